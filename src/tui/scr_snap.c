/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot tree of one VM: drawn with branch lines, "you are here"
 * marked, time, kind and note per node; take, revert, delete, rename,
 * note and clone from here, each as a job. The screen reads the tree
 * file, so browsing never holds the VM's lock.
 */
#include "config.h"

#include <sys/stat.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/snapshot.h"
#include "core/names.h"
#include "core/snaptree.h"
#include "ops/clone.h"
#include "ops/vmctl.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

struct snap_screen {
	char		*vm;
	struct snaptree	*tree;
	char		*error;
	unsigned	*order;		/* node ids in tree order */
	int		*depth;
	size_t		 n;
	int		 cursor;
	int		 top;
	long long	 mtime;
};

/* What a snapshot job needs, copied: it runs in a child process. */
struct snap_job {
	char	*vm;
	char	*snap;		/* name or id of the node it acts on */
	char	*text;		/* new name, note, or clone's name */
	int	 kind;		/* ACT_SNAP_* */
};

static void
snap_reload(struct app *app, struct snap_screen *ss, int force)
{
	struct stat	 sb;
	char		*path, *dir;
	long long	 mtime = 0;

	dir = library_vm_dir(app->lib, ss->vm);
	path = fs_path_join(dir, SNAPTREE_FILE);
	free(dir);
	if (stat(path, &sb) == 0)
		mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL +
		    sb.st_mtim.tv_nsec;
	if (!force && ss->tree != NULL && mtime == ss->mtime) {
		free(path);
		return;
	}
	ss->mtime = mtime;
	snaptree_free(ss->tree);
	free(ss->error);
	ss->error = NULL;
	free(ss->order);
	free(ss->depth);
	ss->order = NULL;
	ss->depth = NULL;
	ss->n = 0;
	if ((ss->tree = snaptree_load(path, &ss->error)) != NULL)
		ss->n = snaptree_order(ss->tree, &ss->order, &ss->depth);
	free(path);
	if (ss->cursor >= (int)ss->n)
		ss->cursor = ss->n > 0 ? (int)ss->n - 1 : 0;
	app->dirty = 1;
}

static const struct snap_node *
snap_current(struct snap_screen *ss)
{
	if (ss->tree == NULL || ss->n == 0)
		return (NULL);
	return (snaptree_node(ss->tree, ss->order[ss->cursor]));
}

/* Whether a later node at the same depth follows before the tree leaves it. */
static int
snap_more_at(struct snap_screen *ss, size_t i, int depth)
{
	size_t	j;

	for (j = i + 1; j < ss->n; j++) {
		if (ss->depth[j] < depth)
			return (0);
		if (ss->depth[j] == depth)
			return (1);
	}
	return (0);
}

static void
snap_draw(struct app *app, struct screen *s)
{
	struct snap_screen	*ss = s->data;
	const struct snap_node	*node;
	struct app_vm		*vm = app_vm_find(app, ss->vm);
	char			 prefix[256], when[32];
	const char		*tee, *bar, *elbow;
	size_t			 i;
	int			 d, y, rows = LINES - 4, cur, p;
	struct tm		 tm;
	time_t			 t;

	snap_reload(app, ss, 0);
	tee = app->utf8 ? "\xe2\x94\x9c\xe2\x94\x80 " : "|- ";
	bar = app->utf8 ? "\xe2\x94\x82  " : "|  ";
	elbow = app->utf8 ? "\xe2\x94\x94\xe2\x94\x80 " : "`- ";
	attrset(draw_attr(ROLE_TITLE));
	mvhline(0, 0, ' ', COLS);
	draw_textf(0, 1, COLS - 2, "Snapshots of %s (%s)  %zu node%s", ss->vm,
	    vm != NULL ? vmstate_name(vm->st.state) : "gone", ss->n,
	    ss->n == 1 ? "" : "s");
	attrset(draw_attr(ROLE_HEADER));
	mvhline(1, 0, ' ', COLS);
	draw_text(1, 1, COLS - 2, "TREE                                     "
	    "KIND  TAKEN             NOTE");
	attrset(A_NORMAL);
	if (ss->error != NULL) {
		attrset(draw_attr(ROLE_ERROR));
		draw_text(3, 1, COLS - 2, ss->error);
		attrset(A_NORMAL);
	} else if (ss->n == 0)
		draw_text(3, 1, COLS - 2, "No snapshots yet: t takes one (live, "
		    "with RAM, while the VM runs; of the disks when stopped).");
	if (ss->cursor < ss->top)
		ss->top = ss->cursor;
	if (ss->cursor >= ss->top + rows)
		ss->top = ss->cursor - rows + 1;
	for (y = 0; y < rows && ss->top + y < (int)ss->n; y++) {
		i = (size_t)(ss->top + y);
		node = snaptree_node(ss->tree, ss->order[i]);
		cur = (int)i == ss->cursor;
		/* Branch lines: a bar for each ancestor with later siblings. */
		p = 0;
		prefix[0] = '\0';
		for (d = 1; d <= ss->depth[i]; d++) {
			const char *seg;

			if (d == ss->depth[i])
				seg = snap_more_at(ss, i, d) ? tee : elbow;
			else {
				size_t k;

				/* Find this depth's ancestor of node i. */
				for (k = i; k > 0 && ss->depth[k] != d; k--)
					;
				seg = snap_more_at(ss, k, d) ? bar : "   ";
			}
			p += snprintf(prefix + p, sizeof prefix - (size_t)p,
			    "%s", seg);
			if (p >= (int)sizeof prefix - 8)
				break;
		}
		t = (time_t)node->time;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		attrset(cur ? draw_attr(ROLE_SELECTED) : 0);
		mvhline(2 + y, 0, ' ', COLS);
		draw_textf(2 + y, 1, 40, "%s%s", prefix, node->name);
		if (!cur && node->id == ss->tree->current)
			attrset(draw_attr(ROLE_RUNNING));
		if (node->id == ss->tree->current)
			draw_text(2 + y, 1 + draw_width(prefix) +
			    draw_width(node->name) + 1, 40 - draw_width(prefix) -
			    draw_width(node->name) - 1, app->utf8 ?
			    "\xe2\x97\x80 you are here" : "<- you are here");
		attrset(cur ? draw_attr(ROLE_SELECTED) : 0);
		draw_textf(2 + y, 42, COLS - 43, "%-5s %-17s %s%s",
		    node->kind == SNAP_KIND_LIVE ? "live" : "disk", when,
		    node->missing ? "[missing on disk] " : node->state !=
		    SNAP_STATE_OK ? "[unfinished] " : "",
		    node->note != NULL ? node->note : "");
	}
	attrset(A_NORMAL);
	draw_keybar(app, KEYS_SNAP);
}

static int
snap_job_run(struct app *app, void *arg, int fd, char **cause)
{
	struct snap_job		*sj = arg;
	struct snapshot_vm	*sv;
	struct snap_node	*node = NULL;
	struct strv		 notes;
	int			 rc = -1, started = 0;

	if (sj->kind == ACT_SNAP_CLONE) {
		/* vmctl_clone() opens the tree and takes the lock itself. */
		app_job_progress(fd, "copying %s's disks as of %s", sj->vm,
		    sj->snap);
		strv_init(&notes);
		rc = vmctl_clone(app->lib, sj->vm, sj->text, CLONE_FULL,
		    sj->snap, NULL, NULL, &notes, cause);
		strv_clear(&notes);
		if (rc == 0)
			*cause = xasprintf("new VM %s", sj->text);
		return (rc);
	}
	app_job_progress(fd, "opening %s and reconciling its tree", sj->vm);
	if ((sv = snapshot_open(app->lib, sj->vm, VMCTL_LOCK_WAIT, cause)) == NULL)
		return (-1);
	if (sj->snap != NULL &&
	    (node = snapshot_find(sv, sj->snap, cause)) == NULL)
		goto out;
	switch (sj->kind) {
	case ACT_SNAP_TAKE:
		app_job_progress(fd, "taking %s", sj->text);
		rc = snapshot_create(sv, sj->text, NULL, 0, cause);
		break;
	case ACT_SNAP_REVERT:
		app_job_progress(fd, "reverting to %s", node->name);
		rc = snapshot_revert(sv, sj->snap, app->settings, &started,
		    cause);
		if (rc == 0 && started)
			*cause = xstrdup("started from the snapshot's RAM");
		break;
	case ACT_SNAP_DELETE:
		app_job_progress(fd, "deleting %s from every disk", node->name);
		rc = snapshot_delete(sv, sj->snap, cause);
		break;
	case ACT_SNAP_RENAME:
		rc = snapshot_rename(sv, sj->snap, sj->text, cause);
		break;
	case ACT_SNAP_NOTE:
		rc = snapshot_note(sv, sj->snap, sj->text, cause);
		break;
	default:
		*cause = xstrdup("unknown snapshot action");
		break;
	}
out:
	snapshot_close(sv);
	return (rc);
}

static void
snap_job_free(struct snap_job *sj)
{
	free(sj->vm);
	free(sj->snap);
	free(sj->text);
	free(sj);
}

static void
snap_job_done(struct app *app, int ok, const char *text, void *arg)
{
	struct snap_job	*sj = arg;

	if (!ok)
		app_error(app, "Snapshot", text);
	else
		app_say(app, 0, "%s: done%s%s", sj->vm, *text != '\0' ? ": " :
		    "", text);
	snap_job_free(sj);
}

static void
snap_start(struct app *app, const char *vm, int kind, const char *snap,
    const char *text)
{
	struct snap_job	*sj;
	char		*title;

	sj = xcalloc(1, sizeof *sj);
	sj->vm = xstrdup(vm);
	sj->snap = snap != NULL ? xstrdup(snap) : NULL;
	sj->text = text != NULL ? xstrdup(text) : NULL;
	sj->kind = kind;
	title = xasprintf("snapshot work on %s", vm);
	app_push(app, dialog_job(app_job(app, title, vm, snap_job_run,
	    snap_job_done, sj)));
	free(title);
}

/* Dialogs hand their answer here; arg is "KIND\tVM\tSNAP". */
static void
snap_dialog_ok(struct app *app, const char *text, void *arg)
{
	char	*copy, *kind, *vm, *snap, *save = NULL;

	copy = xstrdup(arg);
	kind = strtok_r(copy, "\t", &save);
	vm = strtok_r(NULL, "\t", &save);
	snap = strtok_r(NULL, "\t", &save);
	snap_start(app, vm, atoi(kind), snap, text);
	free(copy);
}

static int
snap_name_check(struct app *app, const char *text, void *arg, char **why)
{
	return (name_check(text, "snapshot", why) == 0);
}

static int
snap_vm_name_check(struct app *app, const char *text, void *arg, char **why)
{
	if (name_check(text, "VM", why) != 0)
		return (0);
	if (library_exists(app->lib, text)) {
		*why = xasprintf("a VM named '%s' already exists", text);
		return (0);
	}
	return (1);
}

static int
snap_note_check(struct app *app, const char *text, void *arg, char **why)
{
	return (snaptree_note_ok(text, why) == 0);
}

static int
snap_key(struct app *app, struct screen *s, int key)
{
	struct snap_screen	*ss = s->data;
	const struct snap_node	*node = snap_current(ss);
	struct app_vm		*vm = app_vm_find(app, ss->vm);
	char			*arg, *text, def[32];
	enum tui_action		 a = keys_lookup(key, KEYS_SNAP);

	if (a == ACT_CLOSE) {
		app_pop(app);
		return (1);
	}
	if (a == ACT_HELP) {
		app_push(app, screen_help());
		return (1);
	}
	if (a == ACT_UP || a == ACT_DOWN) {
		ss->cursor += a == ACT_UP ? -1 : 1;
		if (ss->cursor < 0)
			ss->cursor = 0;
		if (ss->cursor >= (int)ss->n)
			ss->cursor = ss->n > 0 ? (int)ss->n - 1 : 0;
		return (1);
	}
	if (vm != NULL && vm->busy != NULL) {
		app_say(app, 1, "%s is busy: %s", ss->vm, vm->busy);
		return (1);
	}
	if (a != ACT_SNAP_TAKE && node == NULL)
		return (a != ACT_NONE);
	/* strtok_r() skips an empty field: take's SNAP is simply absent. */
	arg = xasprintf("%d\t%s\t%s", (int)a, ss->vm, node != NULL ?
	    node->name : "");
	switch (a) {
	case ACT_SNAP_TAKE:
		snprintf(def, sizeof def, "snap%u", ss->tree != NULL ?
		    ss->tree->next_id : 1);
		app_push(app, dialog_input("Take a snapshot", "Name of the new "
		    "snapshot (it hangs under the one you are at):", def,
		    snap_name_check, snap_dialog_ok, arg));
		return (1);
	case ACT_SNAP_REVERT:
		text = xasprintf("Revert %s to %s? What changed since is lost "
		    "unless a snapshot holds it.%s", ss->vm, node->name,
		    node->kind == SNAP_KIND_LIVE ? " The VM comes back with the "
		    "snapshot's RAM, as it was." : "");
		app_push(app, dialog_confirm("Revert", text, snap_dialog_ok,
		    arg));
		free(text);
		return (1);
	case ACT_SNAP_DELETE:
		text = xasprintf("Delete snapshot %s of %s? Its children move "
		    "up to its parent; the VM itself is not changed.",
		    node->name, ss->vm);
		app_push(app, dialog_confirm("Delete snapshot", text,
		    snap_dialog_ok, arg));
		free(text);
		return (1);
	case ACT_SNAP_RENAME:
		app_push(app, dialog_input("Rename snapshot", "New name:",
		    node->name, snap_name_check, snap_dialog_ok, arg));
		return (1);
	case ACT_SNAP_NOTE:
		app_push(app, dialog_input("Note", "A note on this snapshot "
		    "(empty clears it):", node->note != NULL ? node->note : "",
		    snap_note_check, snap_dialog_ok, arg));
		return (1);
	case ACT_SNAP_CLONE:
		app_push(app, dialog_input("Clone from here", "Name of the new "
		    "VM (a full copy of the disks as this snapshot holds "
		    "them):", "", snap_vm_name_check, snap_dialog_ok, arg));
		return (1);
	default:
		free(arg);
		return (0);
	}
}

static void
snap_free(struct screen *s)
{
	struct snap_screen	*ss = s->data;

	free(ss->vm);
	snaptree_free(ss->tree);
	free(ss->error);
	free(ss->order);
	free(ss->depth);
	free(ss);
}

static const struct screen_ops snap_ops = {
	"snapshots", KEYS_SNAP, 1, snap_draw, snap_key, snap_free
};

struct screen *
screen_snapshots(const char *vm)
{
	struct snap_screen	*ss;

	ss = xcalloc(1, sizeof *ss);
	ss->vm = xstrdup(vm);
	return (app_screen(&snap_ops, ss));
}
