/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Edit a stopped VM's hardware: CPUs, memory, display, port forwards. */
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

enum edit_field {
	EDIT_CPUS,
	EDIT_MEMORY,
	EDIT_DISPLAY,
	EDIT_FORWARDS,
	EDIT_COUNT
};

static const char *const edit_labels[] = { "CPUs", "Memory", "Display",
	"Forwards" };
static const char *const edit_hints[] = { "1 to 64", "16M to 1T",
	"Space cycles: vga, virtio, none",
	"tcp:HOST:GUEST ... (127.0.0.1 only), on the first NIC" };

struct edit {
	char		*name;
	char		 fields[EDIT_COUNT][96];
	int		 field;
	char		*why;
};

/* The new values, parsed; what vmctl_update() applies. */
struct edit_values {
	int			 cpus;
	uint64_t		 memory;
	enum vm_display		 display;
	struct vm_forward	*fw;
	size_t			 nfw;
};

static int
edit_parse(struct edit *e, struct edit_values *v, char **cause)
{
	char	*copy, *tok, *save = NULL, *why = NULL;
	long	 l;
	int	 d;

	memset(v, 0, sizeof *v);
	if (str_to_long(e->fields[EDIT_CPUS], 1, VMDEF_CPUS_MAX, &l,
	    &why) != 0) {
		*cause = xasprintf("CPUs: %s", why);
		free(why);
		return (-1);
	}
	v->cpus = (int)l;
	if (str_to_size(e->fields[EDIT_MEMORY], 1ULL << 20, &v->memory,
	    &why) != 0 || v->memory < VMDEF_MEMORY_MIN ||
	    v->memory > VMDEF_MEMORY_MAX) {
		*cause = xasprintf("memory: %s", why != NULL ? why :
		    "between 16M and 1T");
		free(why);
		return (-1);
	}
	if (vmdef_enum_value("display", e->fields[EDIT_DISPLAY], &d,
	    cause) != 0)
		return (-1);
	v->display = (enum vm_display)d;
	copy = xstrdup(e->fields[EDIT_FORWARDS]);
	for (tok = strtok_r(copy, " ,", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,", &save)) {
		v->fw = xreallocarray(v->fw, v->nfw + 1, sizeof *v->fw);
		if (vmdef_parse_forward(tok, &v->fw[v->nfw], cause) != 0) {
			free(copy);
			free(v->fw);
			v->fw = NULL;
			return (-1);
		}
		v->nfw++;
	}
	free(copy);
	return (0);
}

static int
edit_apply(struct vm_def *def, void *arg, char **cause)
{
	struct edit_values	*v = arg;

	def->cpus = v->cpus;
	def->memory = v->memory;
	def->display = v->display;
	if (def->nnics == 0 && v->nfw > 0) {
		*cause = xstrdup("this VM has no network card for forwards");
		return (-1);
	}
	if (def->nnics > 0) {
		free(def->nics[0].forwards);
		def->nics[0].forwards = xreallocarray(NULL, v->nfw + 1,
		    sizeof *v->fw);
		memcpy(def->nics[0].forwards, v->fw, v->nfw * sizeof *v->fw);
		def->nics[0].nforwards = v->nfw;
	}
	return (0);
}

static void
edit_save(struct app *app, struct edit *e)
{
	struct edit_values	 v;
	char			*cause = NULL;

	free(e->why);
	e->why = NULL;
	if (edit_parse(e, &v, &cause) != 0) {
		e->why = cause;
		return;
	}
	/* A short wait: the screen must not freeze behind another vmdesk. */
	if (vmctl_update(app->lib, e->name, 500, edit_apply, &v,
	    &cause) != 0) {
		e->why = cause;
		free(v.fw);
		return;
	}
	free(v.fw);
	app_say(app, 0, "%s: hardware saved", e->name);
	app_rescan(app);
	app_pop(app);
}

static void
edit_draw(struct app *app, struct screen *s)
{
	struct edit	*e = s->data;
	int		 w = COLS - 6 < 80 ? COLS - 6 : 80, h = 14, y, x, i;

	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	draw_box(y, x, h, w, "Edit hardware");
	attrset(draw_attr(ROLE_DIALOG));
	draw_textf(y + 1, x + 2, w - 4, "%s (takes effect at the next start)",
	    e->name);
	for (i = 0; i < EDIT_COUNT; i++) {
		attrset(draw_attr(ROLE_DIALOG));
		draw_text(y + 3 + i * 2, x + 2, 10, edit_labels[i]);
		attrset(i == e->field ? (int)A_REVERSE :
		    draw_attr(ROLE_DIALOG));
		mvhline(y + 3 + i * 2, x + 12, ' ', w - 14);
		draw_text(y + 3 + i * 2, x + 12, w - 14, e->fields[i]);
		attrset(draw_attr(ROLE_DIM));
		draw_text(y + 4 + i * 2, x + 12, w - 14, edit_hints[i]);
	}
	attrset(draw_attr(e->why != NULL ? ROLE_ERROR : ROLE_DIALOG));
	draw_text(y + h - 3, x + 2, w - 4, e->why != NULL ? e->why : "");
	attrset(draw_attr(ROLE_DIALOG));
	draw_text(y + h - 2, x + 2, w - 4, "Tab/Up/Down: field   Enter: save   "
	    "Esc: cancel");
	attrset(A_NORMAL);
}

static int
edit_key(struct app *app, struct screen *s, int key)
{
	static const char *const displays[] = { "vga", "virtio", "none" };
	struct edit	*e = s->data;
	enum tui_action	 a = keys_lookup(key, KEYS_DIALOG);
	char		*f = e->fields[e->field];
	size_t		 i;

	if (a == ACT_CLOSE)
		app_pop(app);
	else if (a == ACT_CONFIRM)
		edit_save(app, e);
	else if (key == '\t' || a == ACT_DOWN)
		e->field = (e->field + 1) % EDIT_COUNT;
	else if (key == KEY_BTAB || a == ACT_UP)
		e->field = (e->field + EDIT_COUNT - 1) % EDIT_COUNT;
	else if (e->field == EDIT_DISPLAY && key == ' ') {
		for (i = 0; i < 3 && strcmp(displays[i], f) != 0; i++)
			;
		snprintf(f, sizeof e->fields[0], "%s", displays[(i + 1) % 3]);
	} else if (e->field == EDIT_DISPLAY)
		return (0);
	else
		return (field_key(f, sizeof e->fields[0], key, FIELD_ASCII));
	return (1);
}

static void
edit_free(struct screen *s)
{
	struct edit	*e = s->data;

	free(e->name);
	free(e->why);
	free(e);
}

static const struct screen_ops edit_ops = {
	"edit", KEYS_DIALOG, 0, edit_draw, edit_key, edit_free
};

struct screen *
screen_edit(const struct vm_def *def)
{
	struct edit	*e;
	struct strv	 fw;
	char		*s;
	size_t		 i;

	e = xcalloc(1, sizeof *e);
	e->name = xstrdup(def->name);
	snprintf(e->fields[EDIT_CPUS], sizeof e->fields[0], "%d", def->cpus);
	s = str_size_exact(def->memory);
	snprintf(e->fields[EDIT_MEMORY], sizeof e->fields[0], "%s", s);
	free(s);
	snprintf(e->fields[EDIT_DISPLAY], sizeof e->fields[0], "%s",
	    vmdef_display_name(def->display));
	strv_init(&fw);
	for (i = 0; def->nnics > 0 && i < def->nics[0].nforwards; i++)
		strv_pushf(&fw, "%s:%d:%d", def->nics[0].forwards[i].udp ?
		    "udp" : "tcp", def->nics[0].forwards[i].host_port,
		    def->nics[0].forwards[i].guest_port);
	s = strv_join(&fw, " ");
	snprintf(e->fields[EDIT_FORWARDS], sizeof e->fields[0], "%s", s);
	free(s);
	strv_clear(&fw);
	return (app_screen(&edit_ops, e));
}
