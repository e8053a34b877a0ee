/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Edit a stopped VM's keys: every key of vm.conf's table that vmdesk set
 * may change, for [vm], [boot] and each disk, NIC, share and USB device,
 * with the same validation and messages as the command line.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/vmctl.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define EDIT_VALUE_MAX	256

/* One row: a key of one section, its value as shown and as loaded. */
struct edit_field {
	char			*path;	/* "cpus", "disk.root.bus", as set */
	const struct vmdef_key	*key;
	char			*orig;
	char			 value[EDIT_VALUE_MAX];
};

struct edit {
	char			*name;
	struct edit_field	*f;
	size_t			 n;
	size_t			 sel;
	size_t			 top;
	char			*why;
};

/* The vmctl_update() callback: every changed field, or none. */
static int
edit_apply(struct vm_def *def, void *arg, char **cause)
{
	struct edit	*e = arg;
	char		*why = NULL;
	size_t		 i;

	for (i = 0; i < e->n; i++) {
		field_finish(e->f[i].value);
		if (strcmp(e->f[i].value, e->f[i].orig) == 0)
			continue;
		if (vmdef_assign(def, e->f[i].path, e->f[i].value,
		    VMDEF_KEY_SET, &why) != 0) {
			*cause = xasprintf("VM %s: %s", def->name, why);
			free(why);
			e->sel = i;
			return (-1);
		}
	}
	return (0);
}

static void
edit_save(struct app *app, struct edit *e)
{
	char	*cause = NULL;

	free(e->why);
	e->why = NULL;
	/* A short wait: the screen must not freeze behind another vmdesk. */
	if (vmctl_update(app->lib, e->name, 500, edit_apply, e,
	    &cause) != 0) {
		e->why = cause;
		return;
	}
	app_say(app, 0, "%s: saved; it takes effect at its next start",
	    e->name);
	app_rescan(app);
	app_pop(app);
}

/* Text in at most two lines of width w, broken at a space. */
static void
edit_draw_two_lines(int y, int x, int w, const char *text)
{
	size_t	len = strlen(text), cut = len;

	if (len > (size_t)w) {
		for (cut = (size_t)w; cut > 0 && text[cut] != ' '; cut--)
			;
		if (cut == 0)
			cut = (size_t)w;
	}
	draw_textf(y, x, w, "%.*s", (int)cut, text);
	if (cut < len)
		draw_text(y + 1, x, w, text + cut + (text[cut] == ' '));
}

/* What the selected field takes, under the list. */
static void
edit_draw_hint(const struct edit_field *f, int y, int x, int w)
{
	char	*names, *hint;

	attrset(draw_attr(ROLE_DIM));
	if (f->key->names != NULL) {
		names = str_choices(f->key->names);
		hint = xasprintf("%s: %s (Space cycles)", f->key->help, names);
		free(names);
	} else
		hint = xstrdup(f->key->help);
	edit_draw_two_lines(y, x, w, hint);
	free(hint);
}

static void
edit_draw(struct app *app, struct screen *s)
{
	struct edit	*e = s->data;
	int		 w = COLS - 4 < 90 ? COLS - 4 : 90, h, rows, y, x, i;
	size_t		 k;

	h = LINES - 2 < (int)e->n + 9 ? LINES - 2 : (int)e->n + 9;
	rows = h - 9 > 1 ? h - 9 : 1;
	if (e->sel < e->top)
		e->top = e->sel;
	if (e->sel >= e->top + (size_t)rows)
		e->top = e->sel - (size_t)rows + 1;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	draw_box(y, x, h, w, "Edit hardware");
	attrset(draw_attr(ROLE_DIALOG));
	draw_textf(y + 1, x + 2, w - 4, "%s: changes take effect at its next "
	    "start", e->name);
	for (i = 0; i < rows && (k = e->top + (size_t)i) < e->n; i++) {
		attrset(draw_attr(ROLE_DIALOG));
		draw_text(y + 3 + i, x + 2, 22, e->f[k].path);
		attrset(k == e->sel ? (int)A_REVERSE : draw_attr(ROLE_DIALOG));
		mvhline(y + 3 + i, x + 25, ' ', w - 27);
		draw_text(y + 3 + i, x + 25, w - 27, e->f[k].value);
	}
	edit_draw_hint(&e->f[e->sel], y + h - 5, x + 2, w - 4);
	attrset(draw_attr(e->why != NULL ? ROLE_ERROR : ROLE_DIALOG));
	draw_text(y + h - 3, x + 2, w - 4, e->why != NULL ? e->why : "");
	attrset(draw_attr(ROLE_DIALOG));
	draw_text(y + h - 2, x + 2, w - 4, "Tab/Up/Down: field   Enter: save   "
	    "Esc: cancel");
	attrset(A_NORMAL);
}

/* Space on a field with names: the next one. */
static void
edit_cycle(struct edit_field *f)
{
	const char *const	*names = f->key->names;
	int			 i;

	for (i = 0; names[i] != NULL && strcmp(names[i], f->value) != 0; i++)
		;
	if (names[i] == NULL || names[i + 1] == NULL)
		i = -1;
	snprintf(f->value, sizeof f->value, "%s", names[i + 1]);
}

/* A key typed into the selected field: text (UTF-8 where it may be). */
static int
edit_type(struct edit_field *f, int key)
{
	int	flags;

	if (f->key->names != NULL) {
		if (key != ' ')
			return (0);
		edit_cycle(f);
		return (1);
	}
	flags = f->key->kind == VMDEF_STRING || f->key->kind == VMDEF_PATH ?
	    0 : FIELD_ASCII;
	return (field_key(f->value, sizeof f->value, key, flags));
}

static int
edit_key(struct app *app, struct screen *s, int key)
{
	struct edit	*e = s->data;
	enum tui_action	 a = keys_lookup(key, KEYS_DIALOG);

	if (a == ACT_CLOSE)
		app_pop(app);
	else if (a == ACT_CONFIRM)
		edit_save(app, e);
	else if (key == '\t' || a == ACT_DOWN)
		e->sel = (e->sel + 1) % e->n;
	else if (key == KEY_BTAB || a == ACT_UP)
		e->sel = (e->sel + e->n - 1) % e->n;
	else
		return (edit_type(&e->f[e->sel], key));
	return (1);
}

static void
edit_free(struct screen *s)
{
	struct edit	*e = s->data;
	size_t		 i;

	for (i = 0; i < e->n; i++) {
		free(e->f[i].path);
		free(e->f[i].orig);
	}
	free(e->f);
	free(e->name);
	free(e->why);
	free(e);
}

static const struct screen_ops edit_ops = {
	"edit", KEYS_DIALOG, 0, edit_draw, edit_key, edit_free
};

/* The settable keys of one section as fields; prefix names the section. */
static void
edit_add_section(struct edit *e, const char *type, const char *prefix,
    const void *base)
{
	const struct vmdef_key	*keys;
	struct edit_field	*f;
	char			*v;
	size_t			 n, i;

	keys = vmdef_keys(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(keys[i].section, type) != 0 ||
		    !(keys[i].flags & VMDEF_KEY_SET))
			continue;
		e->f = xreallocarray(e->f, e->n + 1, sizeof *e->f);
		f = &e->f[e->n++];
		f->key = &keys[i];
		f->path = xasprintf("%s%s", prefix, keys[i].key);
		v = vmdef_key_get(&keys[i], base);
		f->orig = xstrdup(v != NULL ? v : "");
		snprintf(f->value, sizeof f->value, "%s", f->orig);
		free(v);
	}
}

struct screen *
screen_edit(const struct vm_def *def)
{
	struct edit	*e;
	const char	*type;
	char		*prefix, *item;
	size_t		 t, i;

	e = xcalloc(1, sizeof *e);
	e->name = xstrdup(def->name);
	edit_add_section(e, "vm", "", def);
	edit_add_section(e, "boot", "boot.", &def->boot);
	/* Each disk, NIC, share and USB device, as vm.conf lists them. */
	for (t = 0; (type = vmdef_repeated(t)) != NULL; t++) {
		for (i = 0; (item = vmdef_item(def, type, i)) != NULL; i++) {
			prefix = xasprintf("%s.%s.", type, *(char **)item);
			edit_add_section(e, type, prefix, item);
			free(prefix);
		}
	}
	return (app_screen(&edit_ops, e));
}
