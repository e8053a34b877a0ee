/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The create wizard: template (search as you type), name (checked as you
 * type), hardware (template defaults, limits shown), summary, then a job
 * that creates the VM and, if asked, starts it.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "images/template.h"
#include "ops/vmcreate.h"
#include "ops/vmctl.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

enum wizard_step {
	STEP_TEMPLATE,
	STEP_NAME,
	STEP_HARDWARE,
	STEP_SUMMARY
};

enum wizard_field {
	FIELD_CPUS,
	FIELD_MEMORY,
	FIELD_DISK,
	FIELD_FORWARDS,
	FIELD_ISO,		/* installer: a path or URL */
	FIELD_PASSWORD,		/* cloud-init's login, drawn masked */
	FIELD_COUNT
};

/* Fields as wide as a line: a list, a path. */
#define FIELD_WIDE(f)	((f) == FIELD_FORWARDS || (f) == FIELD_ISO)

struct wizard {
	enum wizard_step	  step;
	struct template		**list;
	size_t			  n;
	char			 *load_error;
	char			  search[48];
	int			  cursor;		/* among matching */
	struct template		 *chosen;
	char			  name[NAME_MAX_LEN + 1];
	char			 *name_why;
	char			  fields[FIELD_COUNT][96];
	struct vm_forward	  fw[16];
	char			 *field_why;
	int			  field;
	int			  start_after;
	int			  console_after;
};

/* What the job needs, copied: it runs in a child process. */
struct wizard_job {
	char			*template;
	char			*name;
	struct template_opts	 opt;
	struct vm_forward	 fw[16];
	char			*iso;
	char			*password;
	int			  start;
	int			  console;
};

static int
wizard_matches(struct wizard *w, struct template *t)
{
	if (w->search[0] == '\0')
		return (1);
	return (strcasestr(t->name, w->search) != NULL ||
	    (t->os != NULL && strcasestr(t->os, w->search) != NULL) ||
	    (t->description != NULL && strcasestr(t->description,
	    w->search) != NULL));
}

static struct template *
wizard_nth(struct wizard *w, int nth)
{
	size_t	i;
	int	k = 0;

	for (i = 0; i < w->n; i++) {
		if (wizard_matches(w, w->list[i]) && k++ == nth)
			return (w->list[i]);
	}
	return (NULL);
}

static int
wizard_count(struct wizard *w)
{
	size_t	i;
	int	k = 0;

	for (i = 0; i < w->n; i++)
		k += wizard_matches(w, w->list[i]);
	return (k);
}

static void
wizard_check_name(struct app *app, struct wizard *w)
{
	free(w->name_why);
	w->name_why = NULL;
	if (name_check(w->name, "VM", &w->name_why) == 0 &&
	    library_exists(app->lib, w->name))
		w->name_why = xasprintf("a VM named '%s' already exists",
		    w->name);
}

/* Port forwards, "tcp:2222:22 udp:5353:53", into w->fw. */
static int
wizard_forwards(struct wizard *w, struct template_opts *opt)
{
	char	*copy, *tok, *save = NULL, *why = NULL;
	size_t	 i, j;

	copy = xstrdup(w->fields[FIELD_FORWARDS]);
	for (tok = strtok_r(copy, " ,", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,", &save)) {
		if (opt->nforwards == sizeof w->fw / sizeof w->fw[0]) {
			why = xstrdup("too many forwards");
			break;
		}
		if (vmdef_parse_forward(tok, &w->fw[opt->nforwards],
		    &why) != 0)
			break;
		opt->nforwards++;
	}
	free(copy);
	for (i = 0; why == NULL && i < opt->nforwards; i++) {
		for (j = i + 1; j < opt->nforwards; j++) {
			if (w->fw[i].udp == w->fw[j].udp &&
			    w->fw[i].host_port == w->fw[j].host_port)
				why = xasprintf("host port %d twice",
				    w->fw[i].host_port);
		}
	}
	if (why != NULL) {
		w->field_why = xasprintf("forwards: %s", why);
		free(why);
		return (-1);
	}
	opt->forwards = w->fw;
	return (0);
}

/* Parse the hardware fields; 0 when all are good. */
static int
wizard_check_fields(struct wizard *w, struct template_opts *opt)
{
	char	*why = NULL;
	long	 cpus;

	free(w->field_why);
	w->field_why = NULL;
	memset(opt, 0, sizeof *opt);
	if (str_to_long(w->fields[FIELD_CPUS], 1, VMDEF_CPUS_MAX, &cpus,
	    &why) != 0) {
		w->field_why = xasprintf("CPUs: %s", why);
		free(why);
		return (-1);
	}
	opt->cpus = (int)cpus;
	if (str_to_size(w->fields[FIELD_MEMORY], 1ULL << 20, &opt->memory,
	    &why) != 0 || opt->memory < VMDEF_MEMORY_MIN ||
	    opt->memory > VMDEF_MEMORY_MAX) {
		w->field_why = xasprintf("memory: %s", why != NULL ? why :
		    "between 16M and 1T");
		free(why);
		return (-1);
	}
	if (str_to_size(w->fields[FIELD_DISK], 1ULL << 30, &opt->disk_size,
	    &why) != 0 || opt->disk_size < (1ULL << 20)) {
		w->field_why = xasprintf("disk: %s", why != NULL ? why :
		    "at least 1M");
		free(why);
		return (-1);
	}
	if (wizard_forwards(w, opt) != 0)
		return (-1);
	if (w->fields[FIELD_ISO][0] != '\0')
		opt->iso = w->fields[FIELD_ISO];
	else if (w->chosen->boot == TEMPLATE_BOOT_ISO &&
	    w->chosen->src[0].url == NULL) {
		w->field_why = xasprintf("ISO: %s needs your installer ISO (a "
		    "path or a URL)", w->chosen->name);
		return (-1);
	}
	if (w->fields[FIELD_PASSWORD][0] != '\0') {
		if (!w->chosen->cloud_init) {
			w->field_why = xasprintf("password: %s has no "
			    "cloud-init to set one", w->chosen->name);
			return (-1);
		}
		opt->password = w->fields[FIELD_PASSWORD];
	}
	return (0);
}

static void
wizard_choose(struct app *app, struct wizard *w, struct template *t)
{
	char	*s;
	int	 i;

	w->chosen = t;
	snprintf(w->fields[FIELD_CPUS], sizeof w->fields[0], "%d", t->cpus);
	s = str_size_exact(t->memory);
	snprintf(w->fields[FIELD_MEMORY], sizeof w->fields[0], "%s", s);
	free(s);
	s = str_size_exact(t->disk_size);
	snprintf(w->fields[FIELD_DISK], sizeof w->fields[0], "%s", s);
	free(s);
	/* A free name: the template's, numbered. */
	for (i = 1; i < 1000; i++) {
		snprintf(w->name, sizeof w->name, "%.*s-%d", NAME_MAX_LEN - 4,
		    t->name, i);
		if (!library_exists(app->lib, w->name))
			break;
	}
	wizard_check_name(app, w);
	w->step = STEP_NAME;
}

static void
wizard_draw(struct app *app, struct screen *s)
{
	struct wizard		*w = s->data;
	struct template		*t;
	char			*archs;
	struct template_opts	 opt;
	static const char *const steps[] = { "1 Template", "2 Name",
	    "3 Hardware", "4 Create" };
	static const char *const labels[] = { "CPUs", "Memory", "Disk",
	    "Forwards", "ISO", "Password" };
	static const char *const hints[] = { "1 to 64", "16M to 1T (M if no "
	    "unit)", "at least 1M (G if no unit); grows on use", "host port "
	    "to guest port on 127.0.0.1, as tcp:2222:22 (optional)",
	    "installer: a path or URL (bring-your-own templates)",
	    "cloud-init login (optional: else your ~/.ssh/*.pub keys)" };
	char			 masked[96];
	char			*mem, *disk;
	int			 h = LINES - 4, wd = COLS - 6, y, x, i, k;

	if (wd > 90)
		wd = 90;
	if (h > 24)
		h = 24;
	y = (LINES - h) / 2;
	x = (COLS - wd) / 2;
	draw_box(y, x, h, wd, "Create a VM");
	for (i = 0; i < 4; i++) {
		attrset(i == (int)w->step ? draw_attr(ROLE_SELECTED) :
		    draw_attr(ROLE_DIALOG));
		draw_textf(y + 1, x + 2 + i * 14, 13, " %s ", steps[i]);
	}
	attrset(draw_attr(ROLE_DIALOG));
	y += 3;
	switch (w->step) {
	case STEP_TEMPLATE:
		if (w->load_error != NULL) {
			attrset(draw_attr(ROLE_ERROR));
			draw_text(y, x + 2, wd - 4, w->load_error);
			break;
		}
		draw_textf(y++, x + 2, wd - 4, "Search: %s", w->search);
		y++;
		for (k = 0; (t = wizard_nth(w, k)) != NULL &&
		    y < (LINES + h) / 2 - 2; k++, y++) {
			attrset(k == w->cursor ? draw_attr(ROLE_SELECTED) :
			    draw_attr(ROLE_DIALOG));
			mvhline(y, x + 2, ' ', wd - 4);
			archs = template_archs(t);
			draw_textf(y, x + 2, wd - 4, "%-20s %-20s %-15s %s",
			    t->name, t->os != NULL ? t->os : "", archs,
			    t->description != NULL ? t->description : "");
			free(archs);
		}
		attrset(draw_attr(ROLE_DIALOG));
		if (k == 0)
			draw_text(y, x + 2, wd - 4, "No template matches.");
		draw_text((LINES + h) / 2 - 2, x + 2, wd - 4, "Type to search,"
		    " Up/Down to choose, Enter to go on, Esc to cancel");
		break;
	case STEP_NAME:
		draw_textf(y++, x + 2, wd - 4, "Template: %s", w->chosen->name);
		y++;
		draw_text(y++, x + 2, wd - 4, "Name of the new VM (letters, "
		    "digits, - _ .):");
		attrset(A_REVERSE);
		mvhline(y, x + 2, ' ', wd - 4);
		draw_text(y, x + 2, wd - 4, w->name);
		attrset(draw_attr(w->name_why != NULL ? ROLE_ERROR :
		    ROLE_DIALOG));
		draw_text(y + 1, x + 2, wd - 4, w->name_why != NULL ?
		    w->name_why : "ok");
		attrset(draw_attr(ROLE_DIALOG));
		draw_text((LINES + h) / 2 - 2, x + 2, wd - 4, "Enter: go on   "
		    "Esc: back");
		curs_set(1);
		move(y, x + 2 + draw_width(w->name));
		return;
	case STEP_HARDWARE:
		for (i = 0; i < FIELD_COUNT; i++) {
			draw_textf(y, x + 2, 10, "%s", labels[i]);
			attrset(i == w->field ? (int)A_REVERSE :
			    draw_attr(ROLE_DIALOG));
			mvhline(y, x + 12, ' ', FIELD_WIDE(i) ? 24 : 12);
			memset(masked, '*', strlen(w->fields[i]));
			masked[strlen(w->fields[i])] = '\0';
			/* A path shows its end, where the file name is. */
			k = (int)strlen(w->fields[i]) - 24;
			draw_text(y, x + 12, FIELD_WIDE(i) ? 24 : 12,
			    i == FIELD_PASSWORD ? masked : i == FIELD_ISO &&
			    k > 0 ? w->fields[i] + k : w->fields[i]);
			attrset(draw_attr(ROLE_DIM));
			draw_text(y, x + (FIELD_WIDE(i) ? 38 : 26), wd -
			    (FIELD_WIDE(i) ? 40 : 28), hints[i]);
			attrset(draw_attr(ROLE_DIALOG));
			y += 2;
		}
		attrset(draw_attr(w->field_why != NULL ? ROLE_ERROR :
		    ROLE_DIALOG));
		draw_text(y, x + 2, wd - 4, w->field_why != NULL ?
		    w->field_why : "");
		attrset(draw_attr(ROLE_DIALOG));
		draw_text((LINES + h) / 2 - 2, x + 2, wd - 4, "Tab/Up/Down: "
		    "field   Enter: go on   Esc: back");
		break;
	case STEP_SUMMARY:
		if (wizard_check_fields(w, &opt) != 0)
			break;
		mem = str_size_short(opt.memory);
		disk = str_size_short(opt.disk_size);
		draw_textf(y++, x + 2, wd - 4, "Create %s from %s (%s):",
		    w->name, w->chosen->name, w->chosen->os != NULL ?
		    w->chosen->os : "");
		draw_textf(y++, x + 4, wd - 6, "%d CPU, %s memory, %s disk, %s "
		    "machine, %s", opt.cpus, mem, disk,
		    vmdef_machine_name(w->chosen->machine),
		    vmdef_firmware_name(w->chosen->firmware));
		draw_textf(y++, x + 4, wd - 6, "user-mode network (NAT)%s%s; "
		    "the disk is a qcow2 that grows as it fills",
		    opt.nforwards > 0 ? ", forwards " : "",
		    w->fields[FIELD_FORWARDS]);
		if (opt.iso != NULL)
			draw_textf(y++, x + 4, wd - 6, "installer: %s",
			    opt.iso);
		if (w->chosen->cloud_init)
			draw_textf(y++, x + 4, wd - 6, "cloud-init: user %s, "
			    "%s; then vmdesk ssh %s", w->chosen->user !=
			    NULL ? w->chosen->user : "yours", opt.password !=
			    NULL ? "your password" : "your ~/.ssh keys",
			    w->name);
		if (w->chosen->src[0].url != NULL)
			draw_textf(y++, x + 4, wd - 6, "image from %s, "
			    "fetched once and verified", w->chosen->src[0].url);
		y++;
		draw_textf(y++, x + 2, wd - 4, "[%c] start it once created "
		    "(Space toggles)", w->start_after ? 'x' : ' ');
		draw_textf(y++, x + 2, wd - 4, "[%c] then open its serial "
		    "console, Ctrl-] comes back (c toggles)",
		    w->console_after && w->start_after ? 'x' : ' ');
		free(mem);
		free(disk);
		draw_text((LINES + h) / 2 - 2, x + 2, wd - 4, "Enter: create   "
		    "Esc: back");
		break;
	}
	curs_set(0);
	attrset(A_NORMAL);
}

/* What a job's fetch is doing, at most five times a second. */
struct wizard_progress {
	int		 fd;
	uint64_t	 last_ms;
};

static int
job_create_progress(void *arg, const char *step, uint64_t done,
    uint64_t total)
{
	struct wizard_progress	*wp = arg;
	uint64_t		 now = time_mono_ms();
	char			*d, *t;

	if (now - wp->last_ms < 200)
		return (0);
	wp->last_ms = now;
	d = str_size_short(done);
	if (total > 0) {
		t = str_size_short(total);
		app_job_progress(wp->fd, "%s: %d%% (%s of %s)", step,
		    (int)(done * 100 / total), d, t);
		free(t);
	} else
		app_job_progress(wp->fd, "%s: %s", step, d);
	free(d);
	return (0);
}

static int
job_create(struct app *app, void *arg, int fd, char **cause)
{
	struct wizard_progress	 wp;
	struct wizard_job	*wj = arg;
	struct template		*t;
	struct strv		 dirs;
	char			*note = NULL, *why = NULL;
	pid_t			 pid;
	int			 rc;

	strv_init(&dirs);
	template_dirs(app->lib, &dirs);
	t = template_find(&dirs, wj->template, cause);
	strv_clear(&dirs);
	if (t == NULL)
		return (-1);
	app_job_progress(fd, "preparing the image and the disk");
	wp.fd = fd;
	wp.last_ms = 0;
	rc = vmcreate_from_template(app->lib, t, wj->name, &wj->opt,
	    job_create_progress, &wp, &note, cause);
	template_free(t);
	if (note != NULL)
		app_job_progress(fd, "%s", note);
	free(note);
	note = NULL;
	if (rc != 0 || !wj->start)
		return (rc);
	app_job_progress(fd, "starting %s", wj->name);
	if (vmctl_start(app->lib, app->settings, wj->name, 0, &pid, &note,
	    &why) != 0) {
		*cause = xasprintf("%s was created but did not start: %s",
		    wj->name, why);
		free(why);
		return (-1);
	}
	*cause = xasprintf("%s is running (pid %ld, %s)", wj->name,
	    (long)pid, note);
	free(note);
	return (0);
}

static void
wizard_job_done(struct app *app, int ok, const char *text, void *arg)
{
	struct wizard_job	*wj = arg;

	if (!ok)
		app_error(app, "Create", text);
	else {
		app_say(app, 0, "created %s%s%s", wj->name, *text != '\0' ?
		    ": " : "", text);
		free(app->select);
		app->select = xstrdup(wj->name);
		if (wj->start && wj->console)
			app_console(app, wj->name);
	}
	free(wj->template);
	free(wj->name);
	free(wj->iso);
	if (wj->password != NULL) {
		explicit_bzero(wj->password, strlen(wj->password));
		free(wj->password);
	}
	free(wj);
}

static void
wizard_create(struct app *app, struct wizard *w)
{
	struct wizard_job	*wj;
	struct template_opts	 opt;
	struct job		*job;
	char			*title;

	if (wizard_check_fields(w, &opt) != 0) {
		w->step = STEP_HARDWARE;
		return;
	}
	wj = xcalloc(1, sizeof *wj);
	wj->template = xstrdup(w->chosen->name);
	wj->name = xstrdup(w->name);
	wj->opt = opt;
	memcpy(wj->fw, w->fw, sizeof wj->fw);
	wj->opt.forwards = wj->fw;
	/* opt points into w's fields, gone once w is popped. */
	if (opt.iso != NULL)
		wj->opt.iso = wj->iso = xstrdup(opt.iso);
	if (opt.password != NULL)
		wj->opt.password = wj->password = xstrdup(opt.password);
	wj->start = w->start_after;
	wj->console = w->console_after;
	title = xasprintf("create %s", w->name);
	app_pop(app);		/* w is gone from here on */
	job = app_job(app, title, NULL, job_create, wizard_job_done, wj);
	free(title);
	app_push(app, dialog_job(job));
}

static int
wizard_edit(char *buf, size_t size, int key, const char *allowed)
{
	/* A restricted field (a name, a size) takes its ASCII set only. */
	if (allowed != NULL && key >= 32 && key < 127 &&
	    strchr(allowed, key) == NULL)
		return (0);
	return (field_key(buf, size, key, allowed != NULL ? FIELD_ASCII : 0));
}

static int
wizard_key(struct app *app, struct screen *s, int key)
{
	struct wizard		*w = s->data;
	struct template		*t;
	struct template_opts	 opt;
	enum tui_action		 a = keys_lookup(key, KEYS_DIALOG);

	switch (w->step) {
	case STEP_TEMPLATE:
		if (a == ACT_CLOSE) {
			app_pop(app);
			return (1);
		}
		if (a == ACT_UP && w->cursor > 0)
			w->cursor--;
		else if (a == ACT_DOWN && w->cursor + 1 < wizard_count(w))
			w->cursor++;
		else if (a == ACT_CONFIRM) {
			if ((t = wizard_nth(w, w->cursor)) != NULL)
				wizard_choose(app, w, t);
		} else if (wizard_edit(w->search, sizeof w->search, key, NULL))
			w->cursor = 0;
		else
			return (0);
		return (1);
	case STEP_NAME:
		if (a == ACT_CLOSE)
			w->step = STEP_TEMPLATE;
		else if (a == ACT_CONFIRM) {
			wizard_check_name(app, w);
			if (w->name_why == NULL)
				w->step = STEP_HARDWARE;
		} else if (wizard_edit(w->name, sizeof w->name, key, NULL))
			wizard_check_name(app, w);
		else
			return (0);
		return (1);
	case STEP_HARDWARE:
		if (a == ACT_CLOSE)
			w->step = STEP_NAME;
		else if (a == ACT_CONFIRM) {
			if (wizard_check_fields(w, &opt) == 0)
				w->step = STEP_SUMMARY;
		} else if (key == '\t' || a == ACT_DOWN)
			w->field = (w->field + 1) % FIELD_COUNT;
		else if (key == KEY_BTAB || a == ACT_UP)
			w->field = (w->field + FIELD_COUNT - 1) % FIELD_COUNT;
		else if (!wizard_edit(w->fields[w->field], sizeof w->fields[0],
		    key, w->field == FIELD_FORWARDS ? "tcpud:0123456789 ," :
		    w->field >= FIELD_ISO ? NULL : "0123456789.KMGTkmgtBbi"))
			return (0);
		return (1);
	case STEP_SUMMARY:
		if (a == ACT_CLOSE)
			w->step = STEP_HARDWARE;
		else if (key == ' ')
			w->start_after = !w->start_after;
		else if (key == 'c')
			w->console_after = !w->console_after;
		else if (a == ACT_CONFIRM)
			wizard_create(app, w);
		else
			return (0);
		return (1);
	}
	return (0);
}

static void
wizard_free(struct screen *s)
{
	struct wizard	*w = s->data;

	template_list_free(w->list, w->n);
	free(w->load_error);
	free(w->name_why);
	free(w->field_why);
	free(w);
	curs_set(0);
}

static const struct screen_ops wizard_ops = {
	"wizard", KEYS_DIALOG, 0, wizard_draw, wizard_key, wizard_free
};

struct screen *
screen_wizard(struct app *app)
{
	struct wizard	*w;
	struct strv	 dirs;

	w = xcalloc(1, sizeof *w);
	w->start_after = 1;
	strv_init(&dirs);
	template_dirs(app->lib, &dirs);
	if (template_list(&dirs, &w->list, &w->n, &w->load_error) != 0) {
		w->list = NULL;
		w->n = 0;
	}
	strv_clear(&dirs);
	return (app_screen(&wizard_ops, w));
}
