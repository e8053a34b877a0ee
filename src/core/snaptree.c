/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's snapshot tree: model, file, and reconcile with the disks. */
#include "config.h"

#include "core/snaptree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/names.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* The prefix of the tags vmdesk makes: "vmdesk-ID". */
#define SNAPTREE_TAG_PREFIX	"vmdesk-"
/* A tree has at most this many nodes: ids stay well inside unsigned. */
#define SNAPTREE_MAX_ID		100000000U

struct snaptree *
snaptree_create(void)
{
	struct snaptree	*t;

	t = xcalloc(1, sizeof *t);
	t->next_id = 1;
	return (t);
}

static void
snaptree_node_clear(struct snap_node *n)
{
	free(n->name);
	free(n->tag);
	free(n->note);
	memset(n, 0, sizeof *n);
}

void
snaptree_free(struct snaptree *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nnodes; i++)
		snaptree_node_clear(&t->nodes[i]);
	free(t->nodes);
	free(t);
}

const char *
snaptree_kind_name(enum snap_kind k)
{
	return (k == SNAP_KIND_LIVE ? "live" : "disk");
}

const char *
snaptree_status_name(const struct snap_node *n)
{
	if (n->state == SNAP_STATE_CREATING)
		return ("creating");
	if (n->state == SNAP_STATE_DELETING)
		return ("deleting");
	return (n->missing ? "missing" : "ok");
}

struct snap_node *
snaptree_node(const struct snaptree *t, unsigned id)
{
	size_t	i;

	if (id == 0)
		return (NULL);
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].id == id)
			return (&t->nodes[i]);
	}
	return (NULL);
}

static struct snap_node *
snaptree_by_name(const struct snaptree *t, const char *name)
{
	size_t	i;

	for (i = 0; i < t->nnodes; i++) {
		if (strcmp(t->nodes[i].name, name) == 0)
			return (&t->nodes[i]);
	}
	return (NULL);
}

static struct snap_node *
snaptree_by_tag(const struct snaptree *t, const char *tag)
{
	size_t	i;

	for (i = 0; i < t->nnodes; i++) {
		if (strcmp(t->nodes[i].tag, tag) == 0)
			return (&t->nodes[i]);
	}
	return (NULL);
}

/* A whole decimal id in [1, SNAPTREE_MAX_ID], or 0. */
static unsigned
snaptree_parse_id(const char *s)
{
	char	*why = NULL;
	long	 l;

	if (str_to_long(s, 1, SNAPTREE_MAX_ID, &l, &why) != 0) {
		free(why);
		return (0);
	}
	return ((unsigned)l);
}

struct snap_node *
snaptree_find(const struct snaptree *t, const char *s)
{
	struct snap_node	*n;

	if ((n = snaptree_by_name(t, s)) != NULL)
		return (n);
	return (snaptree_node(t, snaptree_parse_id(s)));
}

/* Append a node (fields are taken over) and return it. */
static struct snap_node *
snaptree_append(struct snaptree *t, const struct snap_node *tmpl)
{
	struct snap_node	*n;

	t->nodes = xreallocarray(t->nodes, t->nnodes + 1, sizeof *t->nodes);
	n = &t->nodes[t->nnodes++];
	*n = *tmpl;
	if (n->id >= t->next_id)
		t->next_id = n->id + 1;
	return (n);
}

int
snaptree_note_ok(const char *note, char **cause)
{
	const unsigned char	*p;

	if (strlen(note) > SNAPTREE_NOTE_MAX) {
		*cause = xasprintf("a note may have at most %d bytes",
		    SNAPTREE_NOTE_MAX);
		return (-1);
	}
	for (p = (const unsigned char *)note; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*cause = xstrdup("a note is one line of text, without "
			    "control characters");
			return (-1);
		}
	}
	return (0);
}

/* A free, valid name for a snapshot; what names the thing in *cause. */
static int
snaptree_name_free(const struct snaptree *t, const char *name,
    const struct snap_node *self, char **cause)
{
	const struct snap_node	*n;

	if (name_check(name, "snapshot", cause) != 0)
		return (-1);
	n = snaptree_by_name(t, name);
	if (n != NULL && n != self) {
		*cause = xasprintf("a snapshot named '%s' already exists "
		    "(id %u)", name, n->id);
		return (-1);
	}
	/* An all-digit name would shadow the id of another node. */
	n = snaptree_node(t, snaptree_parse_id(name));
	if (n != NULL && n != self) {
		*cause = xasprintf("'%s' is the id of snapshot '%s': choose "
		    "another name", name, n->name);
		return (-1);
	}
	return (0);
}

unsigned
snaptree_add(struct snaptree *t, const char *name, enum snap_kind kind,
    uint64_t time, const char *note, char **cause)
{
	struct snap_node	 n;
	char			*tag;
	unsigned		 id;

	if (snaptree_name_free(t, name, NULL, cause) != 0)
		return (0);
	if (note != NULL && snaptree_note_ok(note, cause) != 0)
		return (0);
	/* A tag that is already used (an adopted one) is skipped. */
	for (id = t->next_id;; id++) {
		if (id >= SNAPTREE_MAX_ID) {
			*cause = xstrdup("the snapshot tree has run out of "
			    "ids");
			return (0);
		}
		tag = xasprintf(SNAPTREE_TAG_PREFIX "%u", id);
		if (snaptree_by_tag(t, tag) == NULL && snaptree_node(t,
		    id) == NULL)
			break;
		free(tag);
	}
	memset(&n, 0, sizeof n);
	n.id = id;
	n.name = xstrdup(name);
	n.parent = snaptree_node(t, t->current) != NULL ? t->current : 0;
	n.time = time;
	n.kind = kind;
	n.tag = tag;
	n.note = note != NULL && *note != '\0' ? xstrdup(note) : NULL;
	n.state = SNAP_STATE_CREATING;
	snaptree_append(t, &n);
	return (id);
}

void
snaptree_created(struct snaptree *t, unsigned id)
{
	struct snap_node	*n;

	if ((n = snaptree_node(t, id)) == NULL)
		return;
	n->state = SNAP_STATE_OK;
	t->current = id;
}

void
snaptree_revert(struct snaptree *t, unsigned id)
{
	if (snaptree_node(t, id) != NULL)
		t->current = id;
}

void
snaptree_remove(struct snaptree *t, unsigned id)
{
	struct snap_node	*n;
	unsigned		 parent;
	size_t			 i, idx;

	if ((n = snaptree_node(t, id)) == NULL)
		return;
	parent = n->parent;
	idx = (size_t)(n - t->nodes);
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].parent == id)
			t->nodes[i].parent = parent;
	}
	if (t->current == id)
		t->current = parent;
	snaptree_node_clear(n);
	memmove(&t->nodes[idx], &t->nodes[idx + 1],
	    (t->nnodes - idx - 1) * sizeof *t->nodes);
	t->nnodes--;
}

int
snaptree_rename(struct snaptree *t, unsigned id, const char *name,
    char **cause)
{
	struct snap_node	*n;

	if ((n = snaptree_node(t, id)) == NULL) {
		*cause = xasprintf("no snapshot with id %u", id);
		return (-1);
	}
	if (snaptree_name_free(t, name, n, cause) != 0)
		return (-1);
	free(n->name);
	n->name = xstrdup(name);
	return (0);
}

int
snaptree_set_note(struct snaptree *t, unsigned id, const char *note,
    char **cause)
{
	struct snap_node	*n;

	if ((n = snaptree_node(t, id)) == NULL) {
		*cause = xasprintf("no snapshot with id %u", id);
		return (-1);
	}
	if (note != NULL && snaptree_note_ok(note, cause) != 0)
		return (-1);
	free(n->note);
	n->note = note != NULL && *note != '\0' ? xstrdup(note) : NULL;
	return (0);
}

/* Sort ids by their node's time, then id. */
static const struct snaptree *snaptree_sort_tree;

static int
snaptree_cmp(const void *a, const void *b)
{
	const struct snap_node	*na, *nb;

	na = snaptree_node(snaptree_sort_tree, *(const unsigned *)a);
	nb = snaptree_node(snaptree_sort_tree, *(const unsigned *)b);
	if (na->time != nb->time)
		return (na->time < nb->time ? -1 : 1);
	return (na->id < nb->id ? -1 : na->id > nb->id);
}

size_t
snaptree_children(const struct snaptree *t, unsigned parent, unsigned **idsp)
{
	unsigned	*ids = NULL;
	size_t		 i, n = 0;

	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].parent != parent)
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = t->nodes[i].id;
	}
	if (n > 1) {
		snaptree_sort_tree = t;
		qsort(ids, n, sizeof *ids, snaptree_cmp);
		snaptree_sort_tree = NULL;
	}
	*idsp = ids;
	return (n);
}

static void
snaptree_walk(const struct snaptree *t, unsigned parent, int depth,
    unsigned *out, int *depths, size_t *n)
{
	unsigned	*kids;
	size_t		 i, nk;

	nk = snaptree_children(t, parent, &kids);
	for (i = 0; i < nk; i++) {
		out[*n] = kids[i];
		if (depths != NULL)
			depths[*n] = depth;
		(*n)++;
		snaptree_walk(t, kids[i], depth + 1, out, depths, n);
	}
	free(kids);
}

size_t
snaptree_order(const struct snaptree *t, unsigned **idsp, int **depthsp)
{
	unsigned	*ids;
	int		*depths = NULL;
	size_t		 n = 0;

	/* A parsed or reconciled tree has no cycles: every node is reached. */
	ids = xcalloc(t->nnodes + 1, sizeof *ids);
	if (depthsp != NULL)
		depths = xcalloc(t->nnodes + 1, sizeof *depths);
	snaptree_walk(t, 0, 0, ids, depths, &n);
	*idsp = ids;
	if (depthsp != NULL)
		*depthsp = depths;
	return (n);
}

/* ---- The file ------------------------------------------------------------ */

static const char *const snaptree_states[] = { "ok", "creating", "deleting" };

/* Per-node bookkeeping while parsing: where things were said. */
struct snaptree_lines {
	int	section;
	int	parent;		/* line of parent =, or 0 */
};

static int
snaptree_parse_u64(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return (-1);
	*out = v;
	return (0);
}

/* Set one key of a [snapshot ID] section. */
static int
snaptree_node_key(struct snap_node *n, struct snaptree_lines *ln,
    const struct ini_entry *e, const char *file, char **cause)
{
	char	*why = NULL;
	size_t	 i;

	if (strcmp(e->key, "name") == 0) {
		if (name_check(e->value, "snapshot", &why) != 0)
			goto bad;
		free(n->name);
		n->name = xstrdup(e->value);
	} else if (strcmp(e->key, "parent") == 0) {
		if ((n->parent = snaptree_parse_id(e->value)) == 0) {
			why = xasprintf("parent '%s' is not a snapshot id",
			    e->value);
			goto bad;
		}
		ln->parent = e->line;
	} else if (strcmp(e->key, "created") == 0) {
		if (snaptree_parse_u64(e->value, &n->time) != 0) {
			why = xasprintf("created '%s' is not a time in seconds",
			    e->value);
			goto bad;
		}
	} else if (strcmp(e->key, "kind") == 0) {
		if (strcmp(e->value, "live") == 0)
			n->kind = SNAP_KIND_LIVE;
		else if (strcmp(e->value, "disk") == 0)
			n->kind = SNAP_KIND_DISK;
		else {
			why = xasprintf("kind '%s' is neither live nor disk",
			    e->value);
			goto bad;
		}
	} else if (strcmp(e->key, "tag") == 0) {
		if (*e->value == '\0') {
			why = xstrdup("tag is empty");
			goto bad;
		}
		free(n->tag);
		n->tag = xstrdup(e->value);
	} else if (strcmp(e->key, "note") == 0) {
		if (snaptree_note_ok(e->value, &why) != 0)
			goto bad;
		free(n->note);
		n->note = *e->value != '\0' ? xstrdup(e->value) : NULL;
	} else if (strcmp(e->key, "state") == 0) {
		for (i = 0; i < 3; i++) {
			if (strcmp(e->value, snaptree_states[i]) == 0)
				break;
		}
		if (i == 3) {
			why = xasprintf("state '%s' is none of ok, creating, "
			    "deleting", e->value);
			goto bad;
		}
		n->state = (enum snap_state)i;
	} else {
		why = xasprintf("unknown key '%s'", e->key);
		goto bad;
	}
	return (0);

bad:
	*cause = xasprintf("%s:%d: %s", file, e->line, why);
	free(why);
	return (-1);
}

/* Check the links once every node is read: parents exist, no cycles. */
static int
snaptree_check_links(struct snaptree *t, const struct snaptree_lines *lines,
    const char *file, int current_line, char **cause)
{
	const struct snap_node	*n, *p;
	size_t			 i, steps;

	for (i = 0; i < t->nnodes; i++) {
		n = &t->nodes[i];
		if (n->parent != 0 && snaptree_node(t, n->parent) == NULL) {
			*cause = xasprintf("%s:%d: parent %u of snapshot '%s' "
			    "is not in the file", file, lines[i].parent,
			    n->parent, n->name);
			return (-1);
		}
	}
	for (i = 0; i < t->nnodes; i++) {
		/* Walk up: a cycle never reaches a root. */
		n = &t->nodes[i];
		for (p = n, steps = 0; p->parent != 0; steps++) {
			p = snaptree_node(t, p->parent);
			if (steps > t->nnodes || p == n) {
				*cause = xasprintf("%s:%d: snapshot '%s' is "
				    "its own ancestor", file, lines[i].parent,
				    n->name);
				return (-1);
			}
		}
	}
	if (t->current != 0 && snaptree_node(t, t->current) == NULL) {
		*cause = xasprintf("%s:%d: current %u is not in the file", file,
		    current_line, t->current);
		return (-1);
	}
	return (0);
}

struct snaptree *
snaptree_parse(const char *text, size_t len, const char *file, char **cause)
{
	struct snaptree		*t;
	struct ini		*ini;
	struct snap_node	 n, *cur = NULL;
	struct snaptree_lines	*lines = NULL;
	const struct ini_section *sec;
	const struct ini_entry	*e;
	size_t			 i, j, next_entry = 0;
	int			 seen_tree = 0, current_line = 0;
	uint64_t		 v;

	if ((ini = ini_parse(text, len, file, cause)) == NULL)
		return (NULL);
	t = snaptree_create();
	for (i = 0; i < ini->nsections; i++) {
		sec = &ini->sections[i];
		cur = NULL;
		if (strcmp(sec->type, "tree") == 0 && sec->name == NULL) {
			if (seen_tree++) {
				*cause = xasprintf("%s:%d: a second [tree] "
				    "section", file, sec->line);
				goto fail;
			}
		} else if (strcmp(sec->type, "snapshot") == 0 &&
		    sec->name != NULL) {
			memset(&n, 0, sizeof n);
			if ((n.id = snaptree_parse_id(sec->name)) == 0) {
				*cause = xasprintf("%s:%d: '%s' is not a "
				    "snapshot id (a whole number from 1)", file,
				    sec->line, sec->name);
				goto fail;
			}
			if (snaptree_node(t, n.id) != NULL) {
				*cause = xasprintf("%s:%d: a second [snapshot "
				    "%u]", file, sec->line, n.id);
				goto fail;
			}
			n.kind = SNAP_KIND_DISK;
			cur = snaptree_append(t, &n);
			lines = xreallocarray(lines, t->nnodes, sizeof *lines);
			lines[t->nnodes - 1].section = sec->line;
			lines[t->nnodes - 1].parent = sec->line;
		} else {
			*cause = xasprintf("%s:%d: unknown section [%s%s%s]",
			    file, sec->line, sec->type, sec->name != NULL ?
			    " " : "", sec->name != NULL ? sec->name : "");
			goto fail;
		}
		for (; next_entry < ini->nentries &&
		    ini->entries[next_entry].section == i; next_entry++) {
			e = &ini->entries[next_entry];
			if (cur != NULL) {
				if (snaptree_node_key(cur,
				    &lines[t->nnodes - 1], e, file,
				    cause) != 0)
					goto fail;
				continue;
			}
			if (strcmp(e->key, "current") == 0) {
				if (*e->value == '\0')
					t->current = 0;
				else if ((t->current = snaptree_parse_id(
				    e->value)) == 0) {
					*cause = xasprintf("%s:%d: current "
					    "'%s' is not a snapshot id", file,
					    e->line, e->value);
					goto fail;
				}
				current_line = e->line;
			} else if (strcmp(e->key, "next") == 0) {
				if (snaptree_parse_u64(e->value, &v) != 0 ||
				    v == 0 || v >= SNAPTREE_MAX_ID) {
					*cause = xasprintf("%s:%d: next '%s' "
					    "is not a snapshot id", file,
					    e->line, e->value);
					goto fail;
				}
				if ((unsigned)v > t->next_id)
					t->next_id = (unsigned)v;
			} else {
				*cause = xasprintf("%s:%d: unknown key '%s'",
				    file, e->line, e->key);
				goto fail;
			}
		}
	}
	for (i = 0; i < t->nnodes; i++) {
		cur = &t->nodes[i];
		if (cur->name == NULL || cur->tag == NULL) {
			*cause = xasprintf("%s:%d: snapshot %u has no %s", file,
			    lines[i].section, cur->id, cur->name == NULL ?
			    "name" : "tag");
			goto fail;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(t->nodes[j].name, cur->name) == 0) {
				*cause = xasprintf("%s:%d: a second snapshot "
				    "named '%s'", file, lines[i].section,
				    cur->name);
				goto fail;
			}
			if (strcmp(t->nodes[j].tag, cur->tag) == 0) {
				*cause = xasprintf("%s:%d: a second snapshot "
				    "with tag '%s'", file, lines[i].section,
				    cur->tag);
				goto fail;
			}
		}
	}
	if (snaptree_check_links(t, lines, file, current_line, cause) != 0)
		goto fail;
	free(lines);
	ini_free(ini);
	return (t);

fail:
	free(lines);
	ini_free(ini);
	snaptree_free(t);
	return (NULL);
}

struct snaptree *
snaptree_load(const char *path, char **cause)
{
	struct snaptree	*t;
	char		*text;
	size_t		 len;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return (snaptree_create());
	if ((text = fs_read_file(path, &len, cause)) == NULL)
		return (NULL);
	t = snaptree_parse(text, len, path, cause);
	free(text);
	return (t);
}

#define OUT(...)	str_appendf(&buf, &len, &cap, __VA_ARGS__)

char *
snaptree_format(const struct snaptree *t)
{
	const struct snap_node	*n;
	char			*buf = NULL;
	size_t			 len = 0, cap = 0, i;

	OUT("# vmdesk snapshot tree: see vmdesk(1). Written by vmdesk;\n"
	    "# QEMU keeps the snapshots themselves inside the qcow2 disks.\n");
	OUT("[tree]\n");
	if (t->current != 0)
		OUT("current = %u\n", t->current);
	OUT("next = %u\n", t->next_id);
	for (i = 0; i < t->nnodes; i++) {
		n = &t->nodes[i];
		/* Free text is quoted so that spaces at its ends survive. */
		OUT("\n[snapshot %u]\nname = %s\n", n->id, n->name);
		if (n->parent != 0)
			OUT("parent = %u\n", n->parent);
		OUT("created = %llu\nkind = %s\ntag = \"%s\"\n",
		    (unsigned long long)n->time, snaptree_kind_name(n->kind),
		    n->tag);
		if (n->note != NULL)
			OUT("note = \"%s\"\n", n->note);
		if (n->state != SNAP_STATE_OK)
			OUT("state = %s\n", snaptree_states[n->state]);
	}
	return (buf);
}

/* Temporary file and rename, without fsync: atomic, not durable. */
static int
snaptree_write_lazy(const char *path, const char *text, char **cause)
{
	char	*tmp;
	size_t	 len = strlen(text), off = 0;
	ssize_t	 n;
	int	 fd;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644)) == -1) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = xasprintf("%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return (-1);
		}
		off += (size_t)n;
	}
	crashpoint("write snapshot tree temp file");
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	free(tmp);
	crashpoint("rename snapshot tree");
	return (0);
}

int
snaptree_save(const struct snaptree *t, const char *path, int flags,
    char **cause)
{
	char	*text;
	int	 rc;

	text = snaptree_format(t);
	if (flags & SNAPTREE_SAVE_LAZY)
		rc = snaptree_write_lazy(path, text, cause);
	else
		rc = fs_write_atomic(path, text, strlen(text), 0644, cause);
	free(text);
	return (rc);
}

/* ---- Reconcile ----------------------------------------------------------- */

void
snap_disk_tags_add(struct snap_disk_tags *d, const char *tag, uint64_t time,
    uint64_t vm_state_size)
{
	struct snap_tag	*t;

	d->tags = xreallocarray(d->tags, d->ntags + 1, sizeof *d->tags);
	t = &d->tags[d->ntags++];
	t->tag = xstrdup(tag);
	t->time = time;
	t->vm_state_size = vm_state_size;
}

void
snap_disk_tags_clear(struct snap_disk_tags *d)
{
	size_t	i;

	for (i = 0; i < d->ntags; i++)
		free(d->tags[i].tag);
	free(d->tags);
	free(d->disk);
	memset(d, 0, sizeof *d);
}

static const struct snap_tag *
snap_disk_tags_get(const struct snap_disk_tags *d, const char *tag)
{
	size_t	i;

	for (i = 0; i < d->ntags; i++) {
		if (strcmp(d->tags[i].tag, tag) == 0)
			return (&d->tags[i]);
	}
	return (NULL);
}

int
snap_disk_tags_has(const struct snap_disk_tags *d, const char *tag)
{
	return (snap_disk_tags_get(d, tag) != NULL);
}

/* A free, valid node name made from a tag QEMU holds. Caller frees. */
static char *
snaptree_adopt_name(const struct snaptree *t, const char *tag)
{
	char	*base, *name, *why = NULL;
	size_t	 i, len;
	int	 k;

	len = strlen(tag);
	if (len > NAME_MAX_LEN - 4)
		len = NAME_MAX_LEN - 4;
	base = xmalloc(len + 2);
	for (i = 0; i < len; i++) {
		base[i] = tag[i];
		if (!((tag[i] >= 'a' && tag[i] <= 'z') || (tag[i] >= 'A' &&
		    tag[i] <= 'Z') || (tag[i] >= '0' && tag[i] <= '9') ||
		    tag[i] == '-' || tag[i] == '_' || tag[i] == '.'))
			base[i] = '_';
	}
	base[len] = '\0';
	if (len == 0 || base[0] == '.' || base[0] == '-') {
		name = xasprintf("s%s", base);
		free(base);
		base = name;
	}
	name = xstrdup(base);
	for (k = 2; snaptree_name_free(t, name, NULL, &why) != 0; k++) {
		free(why);
		why = NULL;
		free(name);
		name = xasprintf("%s-%d", base, k);
	}
	free(base);
	return (name);
}

int
snaptree_reconcile(struct snaptree *t, const struct snap_disk_tags *disks,
    size_t ndisks, struct strv *notes)
{
	struct snap_node	*n, adopt;
	const struct snap_tag	*st, *other;
	size_t			 i, d, k;
	int			 changed = 0;

	for (i = 0; i < t->nnodes; /* advanced below */) {
		n = &t->nodes[i];
		n->holders = 0;
		for (d = 0; d < ndisks; d++)
			n->holders += snap_disk_tags_has(&disks[d], n->tag);
		n->missing = ndisks == 0 || n->holders < ndisks;
		if (n->state == SNAP_STATE_CREATING && !n->missing) {
			strv_pushf(notes, "snapshot '%s': its creation was cut "
			    "short after the disks took it; it is complete",
			    n->name);
			snaptree_created(t, n->id);
			changed = 1;
		} else if (n->state == SNAP_STATE_CREATING &&
		    n->holders == 0) {
			strv_pushf(notes, "snapshot '%s': its creation was cut "
			    "short before any disk took it; it is forgotten",
			    n->name);
			snaptree_remove(t, n->id);
			changed = 1;
			continue;
		} else if (n->state == SNAP_STATE_DELETING &&
		    n->holders == 0) {
			strv_pushf(notes, "snapshot '%s': its deletion was cut "
			    "short after the disks dropped it; it is deleted",
			    n->name);
			snaptree_remove(t, n->id);
			changed = 1;
			continue;
		} else if (n->state == SNAP_STATE_DELETING && !n->missing) {
			strv_pushf(notes, "snapshot '%s': its deletion was cut "
			    "short before any disk dropped it; it is kept",
			    n->name);
			n->state = SNAP_STATE_OK;
			changed = 1;
		} else if (n->missing && n->state != SNAP_STATE_OK) {
			strv_pushf(notes, "snapshot '%s': its %s was cut "
			    "short: %zu of %zu disks hold it (vmdesk snapshot "
			    "delete removes it)", n->name, n->state ==
			    SNAP_STATE_CREATING ? "creation" : "deletion",
			    n->holders, ndisks);
		} else if (n->missing) {
			strv_pushf(notes, "snapshot '%s' is missing: %zu of "
			    "%zu disks hold its tag '%s'", n->name, n->holders,
			    ndisks, n->tag);
		}
		i++;
	}

	for (d = 0; d < ndisks; d++) {
		for (k = 0; k < disks[d].ntags; k++) {
			st = &disks[d].tags[k];
			if (snaptree_by_tag(t, st->tag) != NULL)
				continue;
			/* A tag that cannot be written as one line is left. */
			if (!ini_value_ok(st->tag) || strchr(st->tag, '"'))
				continue;
			memset(&adopt, 0, sizeof adopt);
			adopt.id = t->next_id;
			adopt.name = snaptree_adopt_name(t, st->tag);
			adopt.tag = xstrdup(st->tag);
			/* RAM is saved on one disk only: any size says live. */
			adopt.kind = SNAP_KIND_DISK;
			for (i = 0; i < ndisks; i++) {
				if ((other = snap_disk_tags_get(&disks[i],
				    st->tag)) == NULL)
					continue;
				adopt.holders++;
				if (other->vm_state_size > 0)
					adopt.kind = SNAP_KIND_LIVE;
				if (other->time > adopt.time)
					adopt.time = other->time;
			}
			adopt.missing = adopt.holders < ndisks;
			n = snaptree_append(t, &adopt);
			strv_pushf(notes, "tag '%s' on disk %s was not in the "
			    "tree: adopted as root snapshot '%s'", n->tag,
			    disks[d].disk != NULL ? disks[d].disk : "?",
			    n->name);
			changed = 1;
		}
	}
	return (changed);
}

char *
snaptree_vars_path(const char *vmdir, const char *tag)
{
	char	*why = NULL;

	if (name_check(tag, "tag", &why) != 0) {
		free(why);
		return (NULL);
	}
	return (xasprintf("%s/snapshots/%s.efivars.fd", vmdir, tag));
}
