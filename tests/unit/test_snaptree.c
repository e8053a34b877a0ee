/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for core/snaptree: the file, the operations, reconcile. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/snaptree.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

static struct snaptree *
parse_ok(const char *text)
{
	struct snaptree	*t;
	char		*cause = NULL;

	t = snaptree_parse(text, strlen(text), "snapshots.conf", &cause);
	if (t == NULL)
		fail_msg("%s", cause);
	return (t);
}

/* Parse must fail with exactly this message. */
static void
parse_fails(const char *text, const char *want)
{
	struct snaptree	*t;
	char		*cause = NULL;

	t = snaptree_parse(text, strlen(text), "snapshots.conf", &cause);
	if (t != NULL) {
		snaptree_free(t);
		fail_msg("parsed, wanted '%s'", want);
	}
	assert_non_null(cause);
	if (strcmp(cause, want) != 0)
		fail_msg("got '%s', wanted '%s'", cause, want);
	free(cause);
}

static unsigned
add_ok(struct snaptree *t, const char *name, enum snap_kind kind,
    uint64_t time)
{
	char		*cause = NULL;
	unsigned	 id;

	id = snaptree_add(t, name, kind, time, NULL, &cause);
	if (id == 0)
		fail_msg("%s", cause);
	snaptree_created(t, id);
	return (id);
}

static unsigned
id_of(const struct snaptree *t, const char *name)
{
	struct snap_node	*n;

	n = snaptree_find(t, name);
	if (n == NULL)
		fail_msg("no node %s", name);
	return (n->id);
}

static unsigned
parent_of(const struct snaptree *t, const char *name)
{
	return (snaptree_find(t, name)->parent);
}

static const char tree_text[] =
    "# comment\n"
    "[tree]\n"
    "current = 3\n"
    "next = 7\n"
    "\n"
    "[snapshot 1]\n"
    "name = base\n"
    "created = 1700000000\n"
    "kind = live\n"
    "tag = \"vmdesk-1\"\n"
    "note = \"  clean install, # not a comment  \"\n"
    "\n"
    "[snapshot 2]\n"
    "name = b\n"
    "parent = 1\n"
    "created = 1700000100\n"
    "kind = disk\n"
    "tag = \"vmdesk-2\"\n"
    "state = deleting\n"
    "\n"
    "[snapshot 3]\n"
    "name = c.3\n"
    "parent = 1\n"
    "created = 1700000200\n"
    "kind = live\n"
    "tag = \"odd tag = from qemu-img\"\n";

static void
test_snaptree_round_trip(void **state)
{
	struct snaptree		*t, *u;
	struct snap_node	*n;
	char			*text, *again;

	t = parse_ok(tree_text);
	assert_int_equal(t->nnodes, 3);
	assert_int_equal(t->current, 3);
	assert_int_equal(t->next_id, 7);
	n = snaptree_find(t, "base");
	assert_non_null(n);
	assert_int_equal(n->id, 1);
	assert_int_equal(n->parent, 0);
	assert_int_equal(n->kind, SNAP_KIND_LIVE);
	assert_true(n->time == 1700000000ULL);
	assert_string_equal(n->tag, "vmdesk-1");
	assert_string_equal(n->note, "  clean install, # not a comment  ");
	assert_int_equal(n->state, SNAP_STATE_OK);
	n = snaptree_find(t, "b");
	assert_int_equal(n->parent, 1);
	assert_int_equal(n->kind, SNAP_KIND_DISK);
	assert_int_equal(n->state, SNAP_STATE_DELETING);
	assert_null(n->note);
	assert_string_equal(snaptree_find(t, "3")->name, "c.3");
	assert_string_equal(snaptree_find(t, "c.3")->tag,
	    "odd tag = from qemu-img");

	/* Format, parse, format: the same text, the same tree. */
	text = snaptree_format(t);
	u = parse_ok(text);
	again = snaptree_format(u);
	assert_string_equal(text, again);
	assert_int_equal(u->nnodes, 3);
	assert_int_equal(u->current, 3);
	assert_int_equal(u->next_id, 7);
	assert_string_equal(snaptree_find(u, "base")->note,
	    "  clean install, # not a comment  ");
	assert_int_equal(snaptree_find(u, "b")->state, SNAP_STATE_DELETING);
	free(text);
	free(again);
	snaptree_free(t);
	snaptree_free(u);
}

static void
test_snaptree_save_load(void **state)
{
	struct snaptree	*t, *u;
	char		 dir[] = "/tmp/test_snaptree.XXXXXX";
	char		*path, *cause = NULL, *a, *b;

	assert_non_null(mkdtemp(dir));
	path = fs_path_join(dir, SNAPTREE_FILE);
	/* No file yet: an empty tree. */
	t = snaptree_load(path, &cause);
	assert_non_null(t);
	assert_int_equal(t->nnodes, 0);
	assert_int_equal(t->current, 0);
	add_ok(t, "one", SNAP_KIND_LIVE, 10);
	add_ok(t, "two", SNAP_KIND_DISK, 20);
	assert_int_equal(snaptree_save(t, path, 0, &cause), 0);
	u = snaptree_load(path, &cause);
	if (u == NULL)
		fail_msg("%s", cause);
	a = snaptree_format(t);
	b = snaptree_format(u);
	assert_string_equal(a, b);
	free(a);
	free(b);
	snaptree_free(u);
	/* A lazy save writes the same file, and leaves no temporary. */
	add_ok(t, "three", SNAP_KIND_DISK, 30);
	assert_int_equal(snaptree_save(t, path, SNAPTREE_SAVE_LAZY, &cause), 0);
	u = snaptree_load(path, &cause);
	if (u == NULL)
		fail_msg("%s", cause);
	assert_int_equal(u->nnodes, 3);
	assert_int_equal(u->current, 3);
	a = xasprintf("%s.tmp.%ld", path, (long)getpid());
	assert_false(fs_exists(a));
	free(a);
	snaptree_free(t);
	snaptree_free(u);

	/* A damaged file names itself and the line. */
	assert_int_equal(fs_write_atomic(path, "[tree]\nbogus = 1\n", 17, 0644,
	    &cause), 0);
	assert_null(snaptree_load(path, &cause));
	a = xasprintf("%s:2: unknown key 'bogus'", path);
	assert_string_equal(cause, a);
	free(a);
	free(cause);
	assert_int_equal(fs_rm_rf(dir, &cause), 0);
	free(path);
}

static void
test_snaptree_file_errors(void **state)
{
	parse_fails("[tree]\ncurrent = x\n",
	    "snapshots.conf:2: current 'x' is not a snapshot id");
	parse_fails("[tree]\n[tree]\n",
	    "snapshots.conf:2: a second [tree] section");
	parse_fails("[vm]\n", "snapshots.conf:1: unknown section [vm]");
	parse_fails("[snapshot x]\n", "snapshots.conf:1: 'x' is not a "
	    "snapshot id (a whole number from 1)");
	parse_fails("[snapshot 0]\n", "snapshots.conf:1: '0' is not a "
	    "snapshot id (a whole number from 1)");
	parse_fails("[snapshot 1]\nname = a\ntag = t\n\n[snapshot 1]\n",
	    "snapshots.conf:5: a second [snapshot 1]");
	parse_fails("[snapshot 1]\nname = a\nsize = 3\n",
	    "snapshots.conf:3: unknown key 'size'");
	parse_fails("[snapshot 1]\nname = .a\n",
	    "snapshots.conf:2: snapshot name '.a' may not start with '.'");
	parse_fails("[snapshot 1]\nname = a\nkind = ram\n",
	    "snapshots.conf:3: kind 'ram' is neither live nor disk");
	parse_fails("[snapshot 1]\nname = a\ncreated = -5\n",
	    "snapshots.conf:3: created '-5' is not a time in seconds");
	parse_fails("[snapshot 1]\nname = a\ntag = t\nstate = gone\n",
	    "snapshots.conf:4: state 'gone' is none of ok, creating, "
	    "deleting");
	parse_fails("[snapshot 1]\nname = a\n",
	    "snapshots.conf:1: snapshot 1 has no tag");
	parse_fails("[snapshot 1]\ntag = a\n",
	    "snapshots.conf:1: snapshot 1 has no name");
	parse_fails("[snapshot 1]\nname = a\ntag = t\n\n"
	    "[snapshot 2]\nname = a\ntag = u\n",
	    "snapshots.conf:5: a second snapshot named 'a'");
	parse_fails("[snapshot 1]\nname = a\ntag = t\n\n"
	    "[snapshot 2]\nname = b\ntag = t\n",
	    "snapshots.conf:5: a second snapshot with tag 't'");
	parse_fails("[snapshot 1]\nname = a\ntag = t\nparent = 4\n",
	    "snapshots.conf:4: parent 4 of snapshot 'a' is not in the file");
	parse_fails("[snapshot 1]\nname = a\ntag = t\nparent = 2\n\n"
	    "[snapshot 2]\nname = b\ntag = u\nparent = 1\n",
	    "snapshots.conf:4: snapshot 'a' is its own ancestor");
	parse_fails("[snapshot 1]\nname = a\ntag = t\nparent = 1\n",
	    "snapshots.conf:4: snapshot 'a' is its own ancestor");
	parse_fails("[tree]\ncurrent = 2\n\n[snapshot 1]\nname = a\ntag = t\n",
	    "snapshots.conf:2: current 2 is not in the file");
	parse_fails("[snapshot 1]\nname = a\ntag = t\nnote = \"a\tb\"\n",
	    "snapshots.conf:4: a note is one line of text, without control "
	    "characters");
	parse_fails("name = a\n", "snapshots.conf:1: key before any [section]");
}

static void
test_snaptree_create_under_current(void **state)
{
	struct snaptree		*t;
	struct snap_node	*n;
	char			*cause = NULL;
	unsigned		 a, b, c;

	t = snaptree_create();
	a = add_ok(t, "A", SNAP_KIND_LIVE, 100);
	assert_int_equal(parent_of(t, "A"), 0);
	assert_int_equal(t->current, a);
	b = add_ok(t, "B", SNAP_KIND_LIVE, 200);
	assert_int_equal(parent_of(t, "B"), a);
	assert_int_equal(t->current, b);

	/* Until it is done, a new node is "creating" and not current. */
	c = snaptree_add(t, "C", SNAP_KIND_DISK, 300, "a note", &cause);
	assert_int_not_equal(c, 0);
	n = snaptree_node(t, c);
	assert_int_equal(n->state, SNAP_STATE_CREATING);
	assert_int_equal(n->parent, b);
	assert_string_equal(n->note, "a note");
	assert_string_equal(n->tag, "vmdesk-3");
	assert_int_equal(t->current, b);
	snaptree_created(t, c);
	assert_int_equal(snaptree_node(t, c)->state, SNAP_STATE_OK);
	assert_int_equal(t->current, c);

	/* Names collide, are checked, and cannot shadow an id. */
	assert_int_equal(snaptree_add(t, "A", SNAP_KIND_LIVE, 1, NULL,
	    &cause), 0);
	assert_string_equal(cause, "a snapshot named 'A' already exists "
	    "(id 1)");
	free(cause);
	assert_int_equal(snaptree_add(t, "no/slash", SNAP_KIND_LIVE, 1, NULL,
	    &cause), 0);
	assert_non_null(strstr(cause, "may only hold letters"));
	free(cause);
	assert_int_equal(snaptree_add(t, "2", SNAP_KIND_LIVE, 1, NULL,
	    &cause), 0);
	assert_string_equal(cause, "'2' is the id of snapshot 'B': choose "
	    "another name");
	free(cause);
	assert_int_equal(snaptree_add(t, "x", SNAP_KIND_LIVE, 1, "two\nlines",
	    &cause), 0);
	assert_non_null(strstr(cause, "one line"));
	free(cause);
	assert_int_equal(t->nnodes, 3);

	/* Rename and note. */
	assert_int_equal(snaptree_rename(t, a, "B", &cause), -1);
	free(cause);
	assert_int_equal(snaptree_rename(t, a, "A", &cause), 0);
	assert_int_equal(snaptree_rename(t, a, "first", &cause), 0);
	assert_int_equal(id_of(t, "first"), a);
	assert_null(snaptree_find(t, "A"));
	assert_string_equal(snaptree_node(t, a)->tag, "vmdesk-1");
	assert_int_equal(snaptree_set_note(t, a, "hello", &cause), 0);
	assert_string_equal(snaptree_node(t, a)->note, "hello");
	assert_int_equal(snaptree_set_note(t, a, "", &cause), 0);
	assert_null(snaptree_node(t, a)->note);
	snaptree_free(t);
}

static void
test_snaptree_revert_moves_current(void **state)
{
	struct snaptree	*t;
	unsigned	 a, b, c;
	unsigned	*kids;

	t = snaptree_create();
	a = add_ok(t, "A", SNAP_KIND_LIVE, 100);
	b = add_ok(t, "B", SNAP_KIND_LIVE, 200);
	snaptree_revert(t, a);
	assert_int_equal(t->current, a);
	c = add_ok(t, "C", SNAP_KIND_LIVE, 300);
	/* A -> {B, C}, oldest first. */
	assert_int_equal(parent_of(t, "C"), a);
	assert_int_equal(snaptree_children(t, a, &kids), 2);
	assert_int_equal(kids[0], b);
	assert_int_equal(kids[1], c);
	free(kids);
	assert_int_equal(snaptree_children(t, 0, &kids), 1);
	assert_int_equal(kids[0], a);
	free(kids);
	/* Reverting to a node that does not exist changes nothing. */
	snaptree_revert(t, 99);
	assert_int_equal(t->current, c);
	snaptree_free(t);
}

static void
test_snaptree_delete_reparents(void **state)
{
	struct snaptree	*t;
	unsigned	 r, a, b, c, d;
	unsigned	*ids;
	int		*depths;
	size_t		 n;

	/* root -> A -> {B -> D, C} */
	t = snaptree_create();
	r = add_ok(t, "root", SNAP_KIND_DISK, 10);
	a = add_ok(t, "A", SNAP_KIND_LIVE, 20);
	b = add_ok(t, "B", SNAP_KIND_LIVE, 30);
	d = add_ok(t, "D", SNAP_KIND_LIVE, 50);
	snaptree_revert(t, a);
	c = add_ok(t, "C", SNAP_KIND_LIVE, 40);

	n = snaptree_order(t, &ids, &depths);
	assert_int_equal(n, 5);
	assert_int_equal(ids[0], r);
	assert_int_equal(depths[0], 0);
	assert_int_equal(ids[1], a);
	assert_int_equal(depths[1], 1);
	assert_int_equal(ids[2], b);
	assert_int_equal(ids[3], d);
	assert_int_equal(depths[3], 3);
	assert_int_equal(ids[4], c);
	assert_int_equal(depths[4], 2);
	free(ids);
	free(depths);

	snaptree_remove(t, a);
	assert_null(snaptree_find(t, "A"));
	assert_int_equal(parent_of(t, "B"), r);
	assert_int_equal(parent_of(t, "C"), r);
	assert_int_equal(parent_of(t, "D"), b);
	assert_int_equal(t->current, c);

	/* Deleting the current node makes its parent current. */
	snaptree_remove(t, c);
	assert_int_equal(t->current, r);
	/* Deleting a root makes its children roots. */
	snaptree_remove(t, r);
	assert_int_equal(parent_of(t, "B"), 0);
	assert_int_equal(t->current, 0);
	assert_int_equal(t->nnodes, 2);
	/* Ids are never reused. */
	assert_int_equal(add_ok(t, "E", SNAP_KIND_DISK, 60), 6);
	snaptree_free(t);
}

/* Two disks; the tags each holds, as qemu-img would report them. */
static void
disks_init(struct snap_disk_tags *disks)
{
	memset(disks, 0, 2 * sizeof *disks);
	disks[0].disk = xstrdup("root");
	disks[1].disk = xstrdup("data");
}

static void
disks_clear(struct snap_disk_tags *disks)
{
	snap_disk_tags_clear(&disks[0]);
	snap_disk_tags_clear(&disks[1]);
}

static void
test_snaptree_reconcile_missing(void **state)
{
	struct snap_disk_tags	 disks[2];
	struct snaptree		*t;
	struct strv		 notes;
	unsigned		 a, b;

	t = snaptree_create();
	a = add_ok(t, "A", SNAP_KIND_LIVE, 100);
	b = add_ok(t, "B", SNAP_KIND_LIVE, 200);
	disks_init(disks);
	snap_disk_tags_add(&disks[0], "vmdesk-1", 100, 5000);
	snap_disk_tags_add(&disks[1], "vmdesk-1", 100, 0);
	snap_disk_tags_add(&disks[0], "vmdesk-2", 200, 5000);
	strv_init(&notes);

	/* B lacks its tag on one disk: missing, kept, nothing to save. */
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 0);
	assert_false(snaptree_node(t, a)->missing);
	assert_int_equal(snaptree_node(t, a)->holders, 2);
	assert_true(snaptree_node(t, b)->missing);
	assert_int_equal(snaptree_node(t, b)->holders, 1);
	assert_string_equal(snaptree_status_name(snaptree_node(t, b)),
	    "missing");
	assert_int_equal(notes.n, 1);
	assert_string_equal(notes.v[0], "snapshot 'B' is missing: 1 of 2 "
	    "disks hold its tag 'vmdesk-2'");
	assert_int_equal(t->nnodes, 2);
	assert_int_equal(t->current, b);
	strv_clear(&notes);

	/* Gone from every disk: still shown, so the user can delete it. */
	snap_disk_tags_clear(&disks[0]);
	snap_disk_tags_clear(&disks[1]);
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 0);
	assert_true(snaptree_node(t, a)->missing);
	assert_int_equal(snaptree_node(t, a)->holders, 0);
	assert_int_equal(t->nnodes, 2);
	strv_clear(&notes);
	disks_clear(disks);
	snaptree_free(t);
}

static void
test_snaptree_reconcile_adopts_unknown(void **state)
{
	struct snap_disk_tags	 disks[2];
	struct snaptree		*t;
	struct snap_node	*n;
	struct strv		 notes;
	char			*cause = NULL;
	unsigned		 a, id;

	t = snaptree_create();
	a = add_ok(t, "A", SNAP_KIND_LIVE, 100);
	disks_init(disks);
	snap_disk_tags_add(&disks[0], "vmdesk-1", 100, 0);
	snap_disk_tags_add(&disks[1], "vmdesk-1", 100, 0);
	/* Made by hand with qemu-img; RAM saved on the second disk. */
	snap_disk_tags_add(&disks[0], "before upgrade", 500, 0);
	snap_disk_tags_add(&disks[1], "before upgrade", 501, 4096);
	/* A name that exists, and a tag with our prefix. */
	snap_disk_tags_add(&disks[0], "A", 600, 0);
	snap_disk_tags_add(&disks[1], "A", 600, 0);
	snap_disk_tags_add(&disks[1], "vmdesk-2", 700, 0);
	snap_disk_tags_add(&disks[1], "vmdesk-7", 800, 0);
	strv_init(&notes);
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 1);
	assert_int_equal(t->nnodes, 5);
	assert_int_equal(notes.n, 4);
	assert_string_equal(notes.v[0], "tag 'before upgrade' on disk root "
	    "was not in the tree: adopted as root snapshot 'before_upgrade'");

	n = snaptree_find(t, "before_upgrade");
	assert_non_null(n);
	assert_int_equal(n->parent, 0);
	assert_int_equal(n->kind, SNAP_KIND_LIVE);
	assert_true(n->time == 501);
	assert_string_equal(n->tag, "before upgrade");
	assert_false(n->missing);
	assert_int_equal(n->state, SNAP_STATE_OK);
	n = snaptree_find(t, "A-2");
	assert_non_null(n);
	assert_string_equal(n->tag, "A");
	assert_int_equal(n->kind, SNAP_KIND_DISK);
	n = snaptree_find(t, "vmdesk-2");
	assert_non_null(n);
	assert_int_equal(n->parent, 0);
	assert_true(n->missing);
	assert_int_equal(snaptree_find(t, "vmdesk-7")->id, 5);
	/* The current node is unchanged. */
	assert_int_equal(t->current, a);
	strv_clear(&notes);

	/* New tags never collide with adopted ones: vmdesk-7 is taken. */
	id = snaptree_add(t, "six", SNAP_KIND_DISK, 900, NULL, &cause);
	assert_int_equal(id, 6);
	assert_string_equal(snaptree_node(t, id)->tag, "vmdesk-6");
	id = snaptree_add(t, "eight", SNAP_KIND_DISK, 900, NULL, &cause);
	assert_int_equal(id, 8);
	assert_string_equal(snaptree_node(t, id)->tag, "vmdesk-8");
	snaptree_remove(t, 6);
	snaptree_remove(t, 8);

	/* A second reconcile with the same disks changes nothing more. */
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 0);
	assert_int_equal(t->nnodes, 5);
	strv_clear(&notes);
	disks_clear(disks);
	snaptree_free(t);
}

static void
test_snaptree_reconcile_cut_short(void **state)
{
	struct snap_disk_tags	 disks[2];
	struct snaptree		*t;
	struct strv		 notes;
	char			*cause = NULL;
	unsigned		 a, b, c, d;

	t = snaptree_create();
	a = add_ok(t, "A", SNAP_KIND_LIVE, 100);
	/* Three creations cut short: on both disks, on none, on one. */
	b = snaptree_add(t, "B", SNAP_KIND_LIVE, 200, NULL, &cause);
	c = snaptree_add(t, "C", SNAP_KIND_LIVE, 300, NULL, &cause);
	d = snaptree_add(t, "D", SNAP_KIND_LIVE, 400, NULL, &cause);
	assert_true(b != 0 && c != 0 && d != 0);
	assert_int_equal(t->current, a);
	disks_init(disks);
	snap_disk_tags_add(&disks[0], "vmdesk-1", 100, 1);
	snap_disk_tags_add(&disks[1], "vmdesk-1", 100, 0);
	snap_disk_tags_add(&disks[0], "vmdesk-2", 200, 1);
	snap_disk_tags_add(&disks[1], "vmdesk-2", 200, 0);
	snap_disk_tags_add(&disks[0], "vmdesk-4", 400, 1);
	strv_init(&notes);
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 1);
	assert_int_equal(snaptree_node(t, b)->state, SNAP_STATE_OK);
	assert_int_equal(t->current, b);
	assert_null(snaptree_node(t, c));
	assert_int_equal(snaptree_node(t, d)->state, SNAP_STATE_CREATING);
	assert_true(snaptree_node(t, d)->missing);
	assert_string_equal(snaptree_status_name(snaptree_node(t, d)),
	    "creating");
	assert_int_equal(notes.n, 3);
	strv_clear(&notes);

	/* A deletion cut short before any disk dropped the tag: undone. */
	snaptree_node(t, a)->state = SNAP_STATE_DELETING;
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 1);
	assert_int_equal(snaptree_node(t, a)->state, SNAP_STATE_OK);
	strv_clear(&notes);
	/* Dropped by one disk of two: still being deleted, and missing. */
	snaptree_node(t, a)->state = SNAP_STATE_DELETING;
	free(disks[1].tags[0].tag);
	disks[1].tags[0].tag = xstrdup("gone");
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 1);
	assert_int_equal(snaptree_node(t, a)->state, SNAP_STATE_DELETING);
	assert_true(snaptree_node(t, a)->missing);
	assert_string_equal(snaptree_status_name(snaptree_node(t, a)),
	    "deleting");
	assert_non_null(snaptree_find(t, "gone"));
	snaptree_remove(t, snaptree_find(t, "gone")->id);
	strv_clear(&notes);
	/* A deletion cut short: finished once no disk holds the tag. */
	snap_disk_tags_clear(&disks[0]);
	snap_disk_tags_clear(&disks[1]);
	disks_init(disks);
	snap_disk_tags_add(&disks[0], "vmdesk-2", 200, 1);
	snap_disk_tags_add(&disks[1], "vmdesk-2", 200, 0);
	snap_disk_tags_add(&disks[0], "vmdesk-4", 400, 1);
	assert_int_equal(snaptree_reconcile(t, disks, 2, &notes), 1);
	assert_null(snaptree_node(t, a));
	/* Its child B now hangs where A hung: at the top. */
	assert_int_equal(snaptree_node(t, b)->parent, 0);
	assert_int_equal(t->current, b);
	strv_clear(&notes);
	disks_clear(disks);
	snaptree_free(t);
}

static void
test_snaptree_vars_path(void **state)
{
	char	*p;

	p = snaptree_vars_path("/v/web1", "vmdesk-3");
	assert_string_equal(p, "/v/web1/snapshots/vmdesk-3.efivars.fd");
	free(p);
	assert_null(snaptree_vars_path("/v/web1", "../x"));
	assert_null(snaptree_vars_path("/v/web1", "a b"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snaptree_round_trip),
		cmocka_unit_test(test_snaptree_save_load),
		cmocka_unit_test(test_snaptree_file_errors),
		cmocka_unit_test(test_snaptree_create_under_current),
		cmocka_unit_test(test_snaptree_revert_moves_current),
		cmocka_unit_test(test_snaptree_delete_reparents),
		cmocka_unit_test(test_snaptree_reconcile_missing),
		cmocka_unit_test(test_snaptree_reconcile_adopts_unknown),
		cmocka_unit_test(test_snaptree_reconcile_cut_short),
		cmocka_unit_test(test_snaptree_vars_path),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
