/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dialogs: a message, a yes/no question, a line of input, a job's progress. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/field.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

enum dialog_kind {
	DIALOG_MESSAGE,
	DIALOG_CONFIRM,
	DIALOG_INPUT,
	DIALOG_JOB
};

struct dialog {
	enum dialog_kind	 kind;
	char			*title;
	char			*text;
	int			 error;
	dialog_fn		 fn;
	dialog_check_fn		 check;
	void			*arg;
	char			 input[128];
	char			*why;		/* why the input is refused */
	struct job		*job;
	uint64_t		 job_started;
};

/* Wrap text into lines of at most width cells. */
static int
dialog_wrap(const char *text, int width, struct strv *lines)
{
	const char	*p = text, *sp, *end;
	int		 n = 0;

	while (*p != '\0') {
		end = p;
		sp = NULL;
		while (*end != '\0' && *end != '\n' && end - p < width) {
			if (*end == ' ')
				sp = end;
			end++;
		}
		if (*end != '\0' && *end != '\n' && sp != NULL)
			end = sp;
		strv_push(lines, "");
		free(lines->v[lines->n - 1]);
		lines->v[lines->n - 1] = xstrndup(p, (size_t)(end - p));
		n++;
		p = end;
		if (*p == ' ' || *p == '\n')
			p++;
	}
	return (n);
}

static void
dialog_draw(struct app *app, struct screen *s)
{
	struct dialog	*d = s->data;
	struct strv	 lines;
	char		*body;
	int		 w, h, y, x, i, extra = 2;
	uint64_t	 secs;

	if (d->kind == DIALOG_JOB) {
		secs = (time_mono_ms() - d->job_started) / 1000;
		body = xasprintf("%s\n\n%s (%llus)", d->job->title,
		    d->job->progress != NULL ? d->job->progress : "working",
		    (unsigned long long)secs);
	} else
		body = xstrdup(d->text);
	w = COLS - 8 < 64 ? COLS - 8 : 64;
	if (w < 20)
		w = COLS;
	strv_init(&lines);
	dialog_wrap(body, w - 4, &lines);
	free(body);
	if (d->kind == DIALOG_INPUT)
		extra += 2;
	h = (int)lines.n + extra + 2;
	if (h > LINES)
		h = LINES;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	draw_box(y, x, h, w, d->title);
	attrset(draw_attr(d->error ? ROLE_ERROR : ROLE_DIALOG));
	for (i = 0; i < (int)lines.n && i < h - extra - 1; i++)
		draw_text(y + 1 + i, x + 2, w - 4, lines.v[i]);
	attrset(draw_attr(ROLE_DIALOG));
	i = y + h - 2;
	switch (d->kind) {
	case DIALOG_MESSAGE:
		draw_text(i, x + 2, w - 4, "Enter or Esc closes");
		break;
	case DIALOG_CONFIRM:
		draw_text(i, x + 2, w - 4, "y or Enter: yes    n or Esc: no");
		break;
	case DIALOG_INPUT:
		attrset(A_REVERSE);
		mvhline(i - 2, x + 2, ' ', w - 4);
		draw_text(i - 2, x + 2, w - 4, d->input);
		attrset(draw_attr(d->why != NULL ? ROLE_ERROR : ROLE_DIALOG));
		draw_text(i - 1, x + 2, w - 4, d->why != NULL ? d->why : "");
		attrset(draw_attr(ROLE_DIALOG));
		draw_text(i, x + 2, w - 4, "Enter: OK    Esc: cancel");
		curs_set(1);
		move(i - 2, x + 2 + draw_width(d->input));
		break;
	case DIALOG_JOB:
		draw_text(i, x + 2, w - 4, "b: in the background    Esc: "
		    "cancel");
		break;
	}
	attrset(A_NORMAL);
	strv_clear(&lines);
}

static void
dialog_refuse(struct app *app, struct dialog *d)
{
	free(d->why);
	d->why = NULL;
	if (d->check != NULL && !d->check(app, d->input, d->arg, &d->why) &&
	    d->why == NULL)
		d->why = xstrdup("not accepted");
}

static int
dialog_key(struct app *app, struct screen *s, int key)
{
	struct dialog	*d = s->data;
	enum tui_action	 a = keys_lookup(key, KEYS_DIALOG);
	dialog_fn	 fn = d->fn;
	void		*arg = d->arg;
	char		*text;

	switch (d->kind) {
	case DIALOG_MESSAGE:
		if (a == ACT_CLOSE || a == ACT_CONFIRM || key == 'q')
			app_pop(app);
		return (1);
	case DIALOG_CONFIRM:
		if (key == 'y' || key == 'Y' || a == ACT_CONFIRM) {
			/* Pop first: fn may push a dialog of its own. */
			d->arg = NULL;
			app_pop(app);
			fn(app, NULL, arg);
			free(arg);
		} else if (key == 'n' || key == 'N' || a == ACT_CLOSE)
			app_pop(app);
		return (1);
	case DIALOG_INPUT:
		if (a == ACT_CLOSE) {
			app_pop(app);
			return (1);
		}
		if (a == ACT_CONFIRM) {
			dialog_refuse(app, d);
			if (d->why != NULL)
				return (1);
			field_finish(d->input);
			text = xstrdup(d->input);
			d->arg = NULL;
			app_pop(app);
			curs_set(0);
			fn(app, text, arg);
			free(text);
			free(arg);
			return (1);
		}
		if (!field_key(d->input, sizeof d->input, key, 0))
			return (0);
		free(d->why);
		d->why = NULL;
		return (1);
	case DIALOG_JOB:
		if (a == ACT_CLOSE) {
			app_job_cancel(d->job);
			app_say(app, 0, "cancelling %s", d->job->title);
			app_pop(app);
		} else if (key == 'b') {
			d->job->background = 1;
			app_pop(app);
		}
		return (1);
	}
	return (0);
}

static void
dialog_free(struct screen *s)
{
	struct dialog	*d = s->data;

	free(d->title);
	free(d->text);
	free(d->why);
	free(d->arg);
	free(d);
	curs_set(0);
}

static const struct screen_ops dialog_ops = {
	"dialog", KEYS_DIALOG, 0, dialog_draw, dialog_key, dialog_free
};

static struct screen *
dialog_new(enum dialog_kind kind, const char *title, const char *text)
{
	struct dialog	*d;

	d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->title = xstrdup(title);
	d->text = xstrdup(text != NULL ? text : "");
	return (app_screen(&dialog_ops, d));
}

struct screen *
dialog_message(const char *title, const char *text, int error)
{
	struct screen	*s = dialog_new(DIALOG_MESSAGE, title, text);

	((struct dialog *)s->data)->error = error;
	return (s);
}

struct screen *
dialog_confirm(const char *title, const char *text, dialog_fn fn, void *arg)
{
	struct screen	*s = dialog_new(DIALOG_CONFIRM, title, text);
	struct dialog	*d = s->data;

	d->fn = fn;
	d->arg = arg;
	return (s);
}

struct screen *
dialog_input(const char *title, const char *text, const char *initial,
    dialog_check_fn check, dialog_fn fn, void *arg)
{
	struct screen	*s = dialog_new(DIALOG_INPUT, title, text);
	struct dialog	*d = s->data;

	d->fn = fn;
	d->check = check;
	d->arg = arg;
	snprintf(d->input, sizeof d->input, "%s", initial);
	return (s);
}

struct screen *
dialog_job(struct job *job)
{
	struct screen	*s = dialog_new(DIALOG_JOB, "Working", NULL);
	struct dialog	*d = s->data;

	d->job = job;
	d->job_started = job->started;
	return (s);
}

int
dialog_job_is(const struct screen *s, const struct job *job)
{
	const struct dialog	*d = s->data;

	return (s->ops == &dialog_ops && d->kind == DIALOG_JOB &&
	    d->job == job);
}
