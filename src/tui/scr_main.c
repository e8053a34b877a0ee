/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The main screen: the VM list, a details pane and live graphs. */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <curses.h>
#include <endian.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/names.h"
#include "core/snaptree.h"
#include "ops/hostres.h"
#include "ops/lab.h"
#include "ops/vmctl.h"
#include "tui/draw.h"
#include "tui/graph.h"
#include "tui/keys.h"
#include "tui/labgroup.h"
#include "tui/pane.h"
#include "tui/screens.h"
#include "tui/thumb.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

enum sort_key {
	SORT_NAME,
	SORT_STATE,
	SORT_CPU,
	SORT_MEMORY,
	SORT_UPTIME,
	SORT_COUNT
};

static const char *const sort_names[] = { "name", "state", "cpu", "memory",
	"uptime" };

/* Rows the graph column needs before a thumbnail joins it. */
#define MAIN_THUMB_MIN_ROWS	26
/* The list beside a pane: name and state; the pane gets the rest. */
#define MAIN_PANE_LIST_W	34

struct main_screen {
	struct app_vm	**shown;	/* filtered and sorted, rebuilt per draw */
	size_t		  nshown;
	struct labgroup	  group;	/* the rows: shown, labs gathered */
	char		 *selected;	/* name of the cursor's VM */
	char		 *selected_lab;	/* or of the lab whose header it is on */
	int		  cursor;
	int		  top;
	int		  list_rows;	/* rows the list had at the last draw */
	int		  list_y;
	enum sort_key	  sort;
	char		  filter[64];
	int		  filtering;	/* the filter line takes keys */
	struct thumb	 *thumb;	/* the selected VM's screen, live */
	int		  thumb_seen;	/* drawn this pass */
	struct pane	 *pane;		/* a console beside the list */
	int		  list_w;	/* columns the list had */
	uint32_t	  pane_rows;	/* which VMs the rows beside it had */
};

/* ---- The list ------------------------------------------------------------ */

static int
main_matches(const struct main_screen *ms, const struct app_vm *vm)
{
	if (ms->filter[0] == '\0')
		return (1);
	if (strcasestr(vm->name, ms->filter) != NULL)
		return (1);
	if (vm->def != NULL && vm->def->template != NULL &&
	    strcasestr(vm->def->template, ms->filter) != NULL)
		return (1);
	if (vm->def != NULL && vm->def->lab != NULL &&
	    strcasestr(vm->def->lab, ms->filter) != NULL)
		return (1);
	return (vm->def != NULL && vm->def->os != NULL &&
	    strcasestr(vm->def->os, ms->filter) != NULL);
}

static enum sort_key	main_sort_key;

static double
main_cpu(const struct app_vm *vm)
{
	double	v;

	if (vm->stats == NULL)
		return (-1);
	v = stats_series_last(&vm->stats->cpu_total);
	return (vmstate_is_alive(vm->st.state) && !isnan(v) ? v : -1);
}

static int
main_cmp(const void *a, const void *b)
{
	const struct app_vm	*x = *(struct app_vm *const *)a;
	const struct app_vm	*y = *(struct app_vm *const *)b;
	double			 dx, dy;
	int			 c = 0;

	switch (main_sort_key) {
	case SORT_STATE:
		c = (int)y->st.state - (int)x->st.state;
		break;
	case SORT_CPU:
		dx = main_cpu(x);
		dy = main_cpu(y);
		c = dx < dy ? 1 : dx > dy ? -1 : 0;
		break;
	case SORT_MEMORY:
		dx = x->def != NULL ? (double)x->def->memory : 0;
		dy = y->def != NULL ? (double)y->def->memory : 0;
		c = dx < dy ? 1 : dx > dy ? -1 : 0;
		break;
	case SORT_UPTIME:
		c = (x->st.pid > 0) - (y->st.pid > 0);
		if (c == 0 && x->st.pid > 0)
			c = x->st.started < y->st.started ? -1 :
			    x->st.started > y->st.started;
		else
			c = -c;
		break;
	case SORT_NAME:
	case SORT_COUNT:
		break;
	}
	return (c != 0 ? c : strcmp(x->name, y->name));
}

/* The row of the selected VM or lab header, or -1. */
static int
main_find_selected(const struct main_screen *ms)
{
	const struct labgroup_row	*r;
	size_t				 i;

	for (i = 0; i < ms->group.nrows; i++) {
		r = &ms->group.rows[i];
		if (ms->selected_lab != NULL && r->vm == NULL &&
		    strcmp(ms->group.labs[r->lab].name, ms->selected_lab) == 0)
			return ((int)i);
		if (ms->selected != NULL && r->vm != NULL &&
		    strcmp(r->vm->name, ms->selected) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Filter, sort and group, keeping the cursor on the same row. */
static void
main_build(struct app *app, struct main_screen *ms)
{
	size_t	i;
	int	row;

	ms->shown = xreallocarray(ms->shown, app->nvms + 1, sizeof *ms->shown);
	ms->nshown = 0;
	for (i = 0; i < app->nvms; i++) {
		if (main_matches(ms, app->vms[i]))
			ms->shown[ms->nshown++] = app->vms[i];
	}
	if (app->select != NULL) {
		free(ms->selected);
		ms->selected = app->select;
		app->select = NULL;
		free(ms->selected_lab);
		ms->selected_lab = NULL;
	}
	main_sort_key = ms->sort;
	/* Mostly in order already (by name, as the app keeps them). */
	for (i = 1; i < ms->nshown; i++) {
		if (main_cmp(&ms->shown[i - 1], &ms->shown[i]) > 0) {
			qsort(ms->shown, ms->nshown, sizeof *ms->shown,
			    main_cmp);
			break;
		}
	}
	labgroup_build(&ms->group, app->vms, app->nvms, ms->shown,
	    ms->nshown);
	if ((row = main_find_selected(ms)) != -1)
		ms->cursor = row;
	if (ms->cursor >= (int)ms->group.nrows)
		ms->cursor = (int)ms->group.nrows - 1;
	if (ms->cursor < 0)
		ms->cursor = 0;
}

/* The VM at the cursor; NULL on a lab's header. */
static struct app_vm *
main_current(struct main_screen *ms)
{
	if (ms->group.nrows == 0)
		return (NULL);
	return (ms->group.rows[ms->cursor].vm);
}

/* The lab at the cursor (its header or one of its VMs), or NULL. */
static struct labgroup_lab *
main_current_lab(struct main_screen *ms)
{
	if (ms->group.nrows == 0 || ms->group.rows[ms->cursor].lab < 0)
		return (NULL);
	return (&ms->group.labs[ms->group.rows[ms->cursor].lab]);
}

static void
main_select(struct main_screen *ms, int cursor)
{
	const struct labgroup_row	*r;

	if (ms->group.nrows == 0)
		return;
	if (cursor < 0)
		cursor = 0;
	if (cursor >= (int)ms->group.nrows)
		cursor = (int)ms->group.nrows - 1;
	ms->cursor = cursor;
	r = &ms->group.rows[cursor];
	free(ms->selected);
	free(ms->selected_lab);
	ms->selected = ms->selected_lab = NULL;
	if (r->vm != NULL)
		ms->selected = xstrdup(r->vm->name);
	else
		ms->selected_lab = xstrdup(ms->group.labs[r->lab].name);
}

static const char *
main_state_word(const struct app_vm *vm)
{
	if (vm->busy != NULL)
		return (vm->busy);
	if (vm->def == NULL && vm->loaded)
		return ("invalid");
	return (vmstate_name(vm->st.state));
}

static void
main_draw_row(struct app *app, struct app_vm *vm, int y, int w, int cur,
    int indent)
{
	char		*mem, *up, *spark, *cpu;
	const char	*tmpl;
	int		 x = 0, role;

	attrset(cur ? draw_attr(ROLE_SELECTED) : 0);
	mvhline(y, 0, ' ', w);
	if (vm->marked) {
		if (!cur)
			attrset(draw_attr(ROLE_MARK));
		mvaddch(y, 0, '*');
		attrset(cur ? draw_attr(ROLE_SELECTED) : 0);
	}
	/* A lab's VMs under its header, indented. */
	draw_text(y, x + 1 + indent, 18 - indent, vm->name);
	x += 20;
	role = vm->def == NULL && vm->loaded ? ROLE_CRASHED :
	    draw_state_role(vm->st.state);
	if (!cur)
		attrset(draw_attr(role));
	draw_text(y, x, 13, main_state_word(vm));
	attrset(cur ? draw_attr(ROLE_SELECTED) : 0);
	x += 14;
	if (w >= 72 && vm->stats != NULL) {
		spark = graph_sparkline(&vm->stats->cpu_total, 10,
		    graph_nice_max(stats_series_max(&vm->stats->cpu_total, 10),
		    GRAPH_PERCENT), app->utf8);
		if (!cur)
			attrset(draw_attr(ROLE_GRAPH));
		mvaddstr(y, x, spark);
		attrset(cur ? draw_attr(ROLE_SELECTED) : 0);
		free(spark);
	}
	if (w >= 72)
		x += 11;
	/* Beside a pane the list is narrow: the columns that fit. */
	if (x + 5 > w)
		return;
	cpu = vmstate_is_alive(vm->st.state) && vm->stats != NULL ?
	    graph_value(stats_series_last(&vm->stats->cpu_total),
	    GRAPH_PERCENT) : xstrdup("");
	draw_textf(y, x, 5, "%4s", cpu);
	free(cpu);
	x += 6;
	if (x >= w)
		return;
	if (vm->def == NULL) {
		draw_text(y, x, w - x, vm->error != NULL ? vm->error : "");
		return;
	}
	if (x + 11 > w)
		return;
	mem = str_size_short(vm->def->memory);
	draw_textf(y, x, 11, "%3d %6s", vm->def->cpus, mem);
	free(mem);
	x += 12;
	tmpl = vm->def->template != NULL ? vm->def->template : "-";
	draw_text(y, x, w - x < 12 ? w - x : 12, tmpl);
	x += 13;
	if (x < w && vm->st.pid > 0) {
		up = str_duration((uint64_t)(time(NULL) -
		    (time_t)vm->st.started));
		draw_text(y, x, w - x, up);
		free(up);
	}
}

/* The key that does an action on the list, for the words of a hint. */
static const char *
main_key_name(enum tui_action a)
{
	const struct tui_key	*k = keys_for(a, KEYS_MAIN);

	return (k != NULL ? k->name : "?");
}

/* The job working on a lab: its key is "lab NAME". Caller frees. */
static char *
main_lab_job_key(const char *lab)
{
	return (xasprintf("lab %s", lab));
}

/* A lab's header: its name, running of total, and a job's progress. */
static void
main_draw_lab_row(struct app *app, const struct labgroup_lab *lab, int y,
    int w, int cur)
{
	struct job	*job;
	char		*key;

	key = main_lab_job_key(lab->name);
	job = app_job_for(app, key);
	free(key);
	attrset(cur ? draw_attr(ROLE_SELECTED) : (int)A_BOLD);
	mvhline(y, 0, ' ', w);
	draw_textf(y, 1, w - 1, "%s %s  %d/%d running%s%s%s%s",
	    app->utf8 ? "\u25be lab" : "lab", lab->name, lab->running,
	    lab->total, job != NULL ? "  " : "", job != NULL ? job->title :
	    "", job != NULL && job->progress != NULL ? ": " : "",
	    job != NULL && job->progress != NULL ? job->progress : "");
	attrset(A_NORMAL);
}

static void
main_draw_list_row(struct app *app, struct main_screen *ms, int row, int y,
    int w)
{
	const struct labgroup_row	*r = &ms->group.rows[row];

	if (r->vm == NULL)
		main_draw_lab_row(app, &ms->group.labs[r->lab], y, w,
		    row == ms->cursor);
	else
		main_draw_row(app, r->vm, y, w, row == ms->cursor,
		    r->lab >= 0 ? 2 : 0);
}

static void
main_draw_header(int y, int w, int spark, int dim)
{
	/* Dimmed while a pane beside it has the keys. */
	attrset(draw_attr(dim ? ROLE_DIM : ROLE_HEADER));
	mvhline(y, 0, ' ', w);
	draw_textf(y, 1, w - 1, "%-19s%-14s%s%4s  %3s %6s %-12s %s", "NAME",
	    "STATE", spark ? "CPU        " : "", "CPU%", "CPU", "MEM",
	    "TEMPLATE", "UPTIME");
	attrset(A_NORMAL);
}

/* ---- The details pane ---------------------------------------------------- */

/* Virtual and allocated size of a disk without running qemu-img. */
static void
main_disk_sizes(const char *path, enum vm_disk_format fmt, uint64_t *virt,
    uint64_t *used)
{
	struct stat	sb;
	unsigned char	hdr[32];
	uint64_t	size;
	int		fd;

	*virt = *used = 0;
	if (stat(path, &sb) != 0)
		return;
	*used = (uint64_t)sb.st_blocks * 512;
	*virt = (uint64_t)sb.st_size;
	if (fmt != VM_FORMAT_QCOW2 || (fd = open(path, O_RDONLY|O_CLOEXEC)) < 0)
		return;
	/* qcow2 header: magic "QFI\xfb", the virtual size at byte 24, BE. */
	if (read(fd, hdr, sizeof hdr) == (ssize_t)sizeof hdr &&
	    memcmp(hdr, "QFI\xfb", 4) == 0) {
		memcpy(&size, hdr + 24, sizeof size);
		*virt = be64toh(size);
	}
	close(fd);
}

static int
main_detail_line(int *y, int x, int w, int ymax, const char *label,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
main_detail_line(int *y, int x, int w, int ymax, const char *label,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (*y >= ymax)
		return (0);
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	attrset(draw_attr(ROLE_DIM));
	draw_text(*y, x, 9, label);
	attrset(A_NORMAL);
	draw_text(*y, x + 10, w - 10, s);
	free(s);
	(*y)++;
	return (1);
}

/* How many snapshots, and which one the VM is at (from the tree file). */
static void
main_detail_snapshots(struct app_vm *vm, int *y, int x, int w, int ymax)
{
	struct snaptree		*t;
	struct snap_node	*cur;
	char			*path, *cause = NULL;

	path = fs_path_join(vm->paths.vmdir, SNAPTREE_FILE);
	t = snaptree_load(path, &cause);
	free(path);
	if (t == NULL) {
		main_detail_line(y, x, w, ymax, "snapshots", "%s", cause);
		free(cause);
		return;
	}
	if (t->nnodes > 0) {
		cur = snaptree_node(t, t->current);
		main_detail_line(y, x, w, ymax, "snapshots", "%zu, at %s (S "
		    "shows the tree)", t->nnodes, cur != NULL ? cur->name :
		    "none");
	}
	snaptree_free(t);
}

static void
main_draw_details(struct app *app, struct main_screen *ms, struct app_vm *vm,
    int y, int x, int h, int w)
{
	const struct vm_def	*def = vm->def;
	struct vm_stats		*st = vm->stats;
	const struct stats_series *memg;
	const char		*title;
	char			*mem, *a, *b, *path;
	uint64_t		 virt, used;
	size_t			 i, j;
	int			 ymax = y + h, gh, gx = 0, gw = 0, top = y;
	int			 compact;

	if (w < 20 || h < 3)
		return;
	/* Short and narrow: the essentials, so a CPU graph still fits. */
	compact = w < 100 && h < 18;
	if (w >= 100) {
		gw = w / 2 - 1;
		gx = x + w - gw;
		w = w - gw - 2;
	}
	attrset(A_BOLD);
	draw_textf(y++, x, w, "%s", vm->name);
	attrset(draw_attr(def == NULL && vm->loaded ? ROLE_CRASHED :
	    draw_state_role(vm->st.state)));
	if (def == NULL) {
		draw_text(y++, x, w, vm->error != NULL ? vm->error :
		    vm->loaded ? "invalid" : "reading its definition");
		attrset(A_NORMAL);
		return;
	}
	if (vm->st.pid > 0)
		draw_textf(y++, x, w, "%s, pid %ld%s%s", vmstate_name(
		    vm->st.state), (long)vm->st.pid, vm->kvm == -1 ? "" :
		    ", ", vm->kvm == 1 ? "kvm" : vm->kvm == 0 ? "tcg" : "");
	else
		draw_text(y++, x, w, vmstate_name(vm->st.state));
	attrset(A_NORMAL);
	mem = str_size_short(def->memory);
	main_detail_line(&y, x, w, ymax, "hardware", "%s %s, %d CPU, %s, %s, "
	    "%s display", def->arch, vmdef_machine_name(def->machine),
	    def->cpus, mem, vmdef_firmware_name(def->firmware),
	    vmdef_display_name(def->display));
	free(mem);
	if (def->os != NULL && !compact)
		main_detail_line(&y, x, w, ymax, "os", "%s", def->os);
	if (def->boot.kernel != NULL && !compact)
		main_detail_line(&y, x, w, ymax, "boot", "kernel %s",
		    def->boot.kernel);
	if (def->boot.iso != NULL)
		main_detail_line(&y, x, w, ymax, "boot", "ISO %s",
		    def->boot.iso);
	for (i = 0; i < def->ndisks; i++) {
		path = vmdef_disk_path(&def->disks[i], vm->paths.vmdir);
		main_disk_sizes(path, def->disks[i].format, &virt, &used);
		a = str_size_short(virt);
		b = str_size_short(used);
		main_detail_line(&y, x, w, ymax, "disk", "%s: %s %s, %s (%s "
		    "used)", def->disks[i].name,
		    vmdef_bus_name(def->disks[i].bus),
		    vmdef_format_name(def->disks[i].format), a, b);
		free(a);
		free(b);
		free(path);
	}
	for (i = 0; i < def->nnics; i++) {
		struct strv fw;

		strv_init(&fw);
		for (j = 0; j < def->nics[i].nforwards; j++)
			strv_pushf(&fw, "%s %d->%d",
			    def->nics[i].forwards[j].udp ? "udp" : "tcp",
			    def->nics[i].forwards[j].host_port,
			    def->nics[i].forwards[j].guest_port);
		a = strv_join(&fw, ", ");
		main_detail_line(&y, x, w, ymax, "nic", "%s: %s %s, user%s%s",
		    def->nics[i].name, vmdef_nic_name(def->nics[i].model),
		    def->nics[i].mac, fw.n > 0 ? ", " : "", a);
		free(a);
		strv_clear(&fw);
	}
	main_detail_snapshots(vm, &y, x, w, ymax);
	if (!compact) {
		main_detail_line(&y, x, w, ymax, "folder", "%s",
		    vm->paths.vmdir);
		main_detail_line(&y, x, w, ymax, "sockets", "%s/",
		    vm->paths.run);
		main_detail_line(&y, x, w, ymax, "logs", "serial.log, "
		    "qemu.log");
		y++;
	}
	/* Graphs beside the text when there is room, else below it. */
	if (st == NULL)
		return;
	if (gx > 0) {
		y = top;
		x = gx;
		w = gw;
	}
	/*
	 * A live thumbnail of its screen above the graphs, when the pane is
	 * tall enough that the graphs keep rows of their own.
	 */
	if (!compact && vmstate_is_alive(vm->st.state) &&
	    def->display != VM_DISPLAY_NONE &&
	    def->machine != VM_MACHINE_MICROVM && vm->paths.vnc != NULL &&
	    ymax - y >= MAIN_THUMB_MIN_ROWS) {
		thumb_follow(ms->thumb, vm->name, vm->paths.vnc);
		ms->thumb_seen = 1;
		y += thumb_draw(ms->thumb, y, x, (ymax - y) / 2 - 1, w,
		    app->colors, app->utf8);
		y++;
	}
	gh = (ymax - y) / 2;
	if (compact && ymax - y >= 3) {
		graph_draw(y, x, ymax - y, w, "CPU", &st->cpu_total,
		    GRAPH_PERCENT, app->utf8);
		return;
	}
	if (gh >= 3) {
		graph_draw(y, x, gh, w, "CPU", &st->cpu_total, GRAPH_PERCENT,
		    app->utf8);
		y += gh;
		memg = app_vm_mem_graph(vm, &title);
		graph_draw(y, x, ymax - y, w, title, memg, GRAPH_BYTES,
		    app->utf8);
	}
}

/* Beside a lab's header: what it is and its keys. */
static void
main_draw_lab_details(const struct labgroup_lab *lab, int y, int x, int w)
{
	if (w < 20)
		return;
	attrset(A_BOLD);
	draw_textf(y++, x, w, "lab %s", lab->name);
	attrset(A_NORMAL);
	draw_textf(y++, x, w, "%d VM%s, %d running", lab->total,
	    lab->total == 1 ? "" : "s", lab->running);
	draw_textf(y + 1, x, w, "%s brings it up from its lab file, %s takes "
	    "it down, %s resets it to its baseline", main_key_name(ACT_LAB_UP),
	    main_key_name(ACT_LAB_DOWN), main_key_name(ACT_LAB_RESET));
	draw_textf(y + 2, x, w, "%s and %s start and stop its VMs, %s marks "
	    "them", main_key_name(ACT_START), main_key_name(ACT_STOP),
	    main_key_name(ACT_MARK));
}

/* Which VMs the list's rows show, in order (FNV-1a over their names). */
static uint32_t
main_rows_hash(const struct main_screen *ms, int rows)
{
	const struct labgroup_row	*r;
	const char	*p;
	uint32_t	 h = 2166136261U;
	int		 y;

	for (y = 0; y < rows && ms->top + y < (int)ms->group.nrows; y++) {
		r = &ms->group.rows[ms->top + y];
		p = r->vm != NULL ? r->vm->name : ms->group.labs[r->lab].name;
		/* A header and a VM of the same name differ. */
		h = (h ^ (r->vm != NULL)) * 16777619U;
		for (; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 16777619U;
		h = (h ^ '\n') * 16777619U;
	}
	return (h);
}

/*
 * The host on the title's right: CPU use, what the running VMs' QEMUs
 * hold of the host's memory, disk free under the library. From figures
 * the tick sampled. Caller frees.
 */
static char *
main_host_text(struct app *app)
{
	const struct hostres	*h = &app->host;
	struct app_vm		*vm;
	uint64_t		 rss = 0;
	double			 v;
	size_t			 i;
	char			*cpu, *used, *total, *disk, *s;

	if (h->samples == 0)
		return (xstrdup(""));
	for (i = 0; i < app->nvms; i++) {
		vm = app->vms[i];
		if (!vmstate_is_alive(vm->st.state) || vm->stats == NULL)
			continue;
		v = stats_series_last(&vm->stats->rss_bytes);
		if (!isnan(v))
			rss += (uint64_t)v;
	}
	cpu = isnan(h->cpu_use) ? xstrdup("-") : xasprintf("%.0f%%",
	    h->cpu_use);
	used = str_size_short(rss);
	total = str_size_short(h->mem_total);
	disk = h->disk_known ? str_size_short(h->disk_free) : xstrdup("?");
	s = xasprintf("cpu %s vms %s/%s disk %s free", cpu, used, total, disk);
	free(cpu);
	free(used);
	free(total);
	free(disk);
	return (s);
}

static void
main_draw_title(struct app *app, struct main_screen *ms)
{
	size_t	i, running = 0;
	char	*host;
	int	hw;

	for (i = 0; i < app->nvms; i++)
		running += vmstate_is_alive(app->vms[i]->st.state);
	/* Beside a console pane, an idle screen sends no bytes at all. */
	host = pane_kind(ms->pane) == PANE_OFF ? main_host_text(app) :
	    xstrdup("");
	hw = draw_width(host);
	attrset(draw_attr(ROLE_TITLE));
	mvhline(0, 0, ' ', COLS);
	if (hw + 2 < COLS)
		draw_text(0, COLS - hw - 1, hw, host);
	else
		hw = -2;
	/* Narrow: the version makes room for the host's figures. */
	draw_textf(0, 1, COLS - hw - 4, "vmdesk%s%s  %zu VM%s, %zu running"
	    "%s%s  sort: %s%s%s", COLS >= 100 ? " " : "", COLS >= 100 ?
	    VERSION : "", app->nvms, app->nvms == 1 ? "" : "s",
	    running, app->njobs > 0 ? ", jobs: " : "", app->njobs > 0 ?
	    app->jobs[0]->title : "", sort_names[ms->sort],
	    ms->filter[0] != '\0' ? "  filter: " : "", ms->filter);
	attrset(A_NORMAL);
	free(host);
}

static void
main_draw(struct app *app, struct screen *s)
{
	struct main_screen	*ms = s->data;
	struct app_vm		*vm;
	uint32_t		 rows;
	int			 list_w, list_h, dx, dy, dw, dh, y, wide;

	main_build(app, ms);
	main_draw_title(app, ms);

	wide = COLS >= 140;
	list_w = wide ? 86 : COLS;
	list_h = LINES - 4;
	if (pane_kind(ms->pane) != PANE_OFF) {
		list_w = MAIN_PANE_LIST_W;
		if (COLS - list_w - 1 < 40)
			list_w = COLS / 3 > 12 ? COLS / 3 : 12;
		wide = 1;
	} else if (!wide) {
		/* Stacked: the list takes the rows it needs, at most half. */
		list_h = (int)ms->group.nrows + 1;
		if (list_h < 4)
			list_h = 4;
		if (list_h > (LINES - 4) / 2)
			list_h = (LINES - 4) / 2;
		if (list_h < 3)
			list_h = LINES - 4;
	}
	main_draw_header(1, list_w, list_w >= 72, pane_focused(ms->pane));
	ms->list_y = 2;
	ms->list_w = wide ? list_w : COLS;
	ms->list_rows = list_h;
	if (ms->cursor < ms->top)
		ms->top = ms->cursor;
	if (ms->cursor >= ms->top + list_h)
		ms->top = ms->cursor - list_h + 1;
	for (y = 0; y < list_h && ms->top + y < (int)ms->group.nrows; y++)
		main_draw_list_row(app, ms, ms->top + y, 2 + y, list_w);
	attrset(A_NORMAL);
	if (ms->nshown == 0)
		draw_text(3, 2, list_w - 4, app->nvms == 0 ? "No VMs yet: F2 "
		    "creates one from a template." : "No VM matches the "
		    "filter (Esc in the filter line clears it).");
	if (wide) {
		mvvline(1, list_w, ACS_VLINE, LINES - 3);
		dx = list_w + 2;
		dy = 1;
		dw = COLS - dx - 1;
		dh = LINES - 3;
	} else {
		mvhline(2 + list_h, 0, ACS_HLINE, COLS);
		dx = 1;
		dy = 3 + list_h;
		dw = COLS - 2;
		dh = LINES - 2 - dy;
	}
	ms->thumb_seen = 0;
	vm = main_current(ms);
	if (vm != NULL && pane_kind(ms->pane) == PANE_OFF)
		main_draw_details(app, ms, vm, dy, dx, dh, dw);
	else if (main_current_lab(ms) != NULL && pane_kind(ms->pane) ==
	    PANE_OFF)
		main_draw_lab_details(main_current_lab(ms), dy, dx, dw);
	if (ms->filtering) {
		attrset(draw_attr(ROLE_TITLE));
		mvhline(LINES - 2, 0, ' ', COLS);
		draw_textf(LINES - 2, 0, COLS, "Filter: %s", ms->filter);
		curs_set(1);
		move(LINES - 2, 8 + draw_width(ms->filter));
		attrset(A_NORMAL);
	} else if (!pane_focused(ms->pane)) {
		/* A focused pane shows the guest's cursor: curs_set writes. */
		curs_set(0);
	}
	if (app->depth > 0 && app->stack[app->depth - 1] == s)
		draw_keybar(app, KEYS_MAIN);
	/*
	 * The pane last: it puts the terminal's cursor where the guest's is.
	 * Its title shares the header's row; its cells end above the status
	 * line, so the list's and the status line's updates never cross it.
	 */
	if (pane_kind(ms->pane) != PANE_OFF) {
		rows = main_rows_hash(ms, list_h);
		if (rows != ms->pane_rows)
			pane_repaint(ms->pane);
		ms->pane_rows = rows;
		pane_draw(app, ms->pane, vm, 1, list_w + 1, LINES - 3,
		    COLS - list_w - 1);
	}
}

/* ---- Actions ------------------------------------------------------------- */

/*
 * The marked VMs, else the selected one, else (on a lab's header) the
 * lab's shown VMs. Caller frees the array.
 */
static struct app_vm **
main_targets(struct main_screen *ms, size_t *n)
{
	struct app_vm		**out;
	struct labgroup_lab	 *lab;
	size_t			  i;

	out = xcalloc(ms->nshown + 1, sizeof *out);
	*n = 0;
	for (i = 0; i < ms->nshown; i++) {
		if (ms->shown[i]->marked)
			out[(*n)++] = ms->shown[i];
	}
	if (*n == 0 && main_current(ms) != NULL)
		out[(*n)++] = main_current(ms);
	else if (*n == 0 && (lab = main_current_lab(ms)) != NULL) {
		for (i = 0; i < lab->n; i++)
			out[(*n)++] = ms->shown[ms->group.by[lab->first + i]];
	}
	return (out);
}

static int
job_start_vm(struct app *app, void *arg, int fd, char **cause)
{
	char	*note = NULL;
	pid_t	 pid;

	app_job_progress(fd, "starting QEMU");
	if (vmctl_start(app->lib, app->settings, arg, 0, &pid, &note,
	    cause) != 0)
		return (-1);
	*cause = xasprintf("pid %ld, %s", (long)pid, note);
	free(note);
	return (0);
}

static int
job_stop_vm(struct app *app, void *arg, int fd, char **cause)
{
	enum vmctl_outcome	out;

	app_job_progress(fd, "pressed the power button; waiting up to %d s",
	    app->settings->stop_timeout);
	if (vmctl_stop(app->lib, arg, app->settings->stop_timeout, 0, &out,
	    cause) != 0)
		return (-1);
	*cause = xstrdup(out == VMCTL_ALREADY ? "was not running" :
	    out == VMCTL_CLEANED ? "had crashed; cleaned up" : "powered off");
	return (0);
}

static int
job_kill_vm(struct app *app, void *arg, int fd, char **cause)
{
	enum vmctl_outcome	out;

	return (vmctl_kill(app->lib, arg, &out, cause));
}

static int
job_pause_vm(struct app *app, void *arg, int fd, char **cause)
{
	enum vmctl_outcome	out;

	return (vmctl_command(app->lib, arg, "pause", &out, cause));
}

static int
job_resume_vm(struct app *app, void *arg, int fd, char **cause)
{
	enum vmctl_outcome	out;

	return (vmctl_command(app->lib, arg, "resume", &out, cause));
}

static int
job_reset_vm(struct app *app, void *arg, int fd, char **cause)
{
	enum vmctl_outcome	out;

	return (vmctl_command(app->lib, arg, "reset", &out, cause));
}

static int
job_delete_vm(struct app *app, void *arg, int fd, char **cause)
{
	app_job_progress(fd, "deleting its folder and disks");
	return (vmctl_delete(app->lib, arg, 1, cause));
}

/* A job per VM; the names stay owned by the job's argument. */
static void
main_run(struct app *app, struct app_vm *vm, const char *verb, job_fn fn)
{
	char	*title;

	if (vm->busy != NULL) {
		app_say(app, 1, "%s is busy: %s", vm->name, vm->busy);
		return;
	}
	title = xasprintf("%s %s", verb, vm->name);
	app_job(app, title, vm->name, fn, NULL, vm->name);
	free(title);
}

static void
main_each(struct app *app, struct main_screen *ms, const char *verb,
    job_fn fn, int (*want)(const struct app_vm *))
{
	struct app_vm	**t;
	size_t		  n, i, done = 0;

	t = main_targets(ms, &n);
	for (i = 0; i < n; i++) {
		if (want(t[i])) {
			main_run(app, t[i], verb, fn);
			done++;
		}
	}
	if (n > 0 && done == 0)
		app_say(app, 1, "nothing to %s: %s", verb, n == 1 ?
		    "not in a state for it" : "none of the marked VMs can");
	free(t);
}

static int
want_start(const struct app_vm *vm)
{
	return (vm->def != NULL && !vmstate_is_alive(vm->st.state));
}

static int
want_stop(const struct app_vm *vm)
{
	return (vmstate_is_alive(vm->st.state) ||
	    vm->st.state == VM_CRASHED);
}

static void
main_start_yes(struct app *app, const char *text, void *arg)
{
	struct app_vm	*vm;
	char		*copy, *name, *save = NULL;

	copy = xstrdup(arg);
	for (name = strtok_r(copy, " ", &save); name != NULL;
	    name = strtok_r(NULL, " ", &save)) {
		if ((vm = app_vm_find(app, name)) != NULL && want_start(vm))
			main_run(app, vm, "start", job_start_vm);
	}
	free(copy);
}

/* The host's check of the VMs to start, from what the desktop knows. */
static void
main_start_judge(struct app *app, struct app_vm **t, size_t n,
    struct hostres_check *c)
{
	struct hostres_vm	*vms;
	size_t			 i, k = 0;
	int			 running = 0;

	vms = xcalloc(n + 1, sizeof *vms);
	for (i = 0; i < n; i++) {
		if (!want_start(t[i]))
			continue;
		vms[k].name = t[i]->name;
		vms[k].memory = t[i]->def->memory;
		vms[k++].cpus = t[i]->def->cpus;
	}
	for (i = 0; i < app->nvms; i++) {
		if (vmstate_is_alive(app->vms[i]->st.state) &&
		    app->vms[i]->def != NULL)
			running += app->vms[i]->def->cpus;
	}
	hostres_judge(&app->host, vms, k, running, c);
	free(vms);
}

/*
 * Start: when the VMs' memory would overcommit the host's, a dialog
 * names them and the figures and asks first; vCPUs only warn.
 */
static void
main_start(struct app *app, struct main_screen *ms)
{
	struct hostres_check	 c;
	struct app_vm		**t;
	char			*mem, *cpus, *list, *text;
	size_t			 n;

	t = main_targets(ms, &n);
	if (app->host.samples == 0) {
		free(t);
		main_each(app, ms, "start", job_start_vm, want_start);
		return;
	}
	main_start_judge(app, t, n, &c);
	free(t);
	mem = hostres_memory_message(&c);
	cpus = hostres_cpus_message(&c);
	list = strv_join(&c.names, " ");
	hostres_check_clear(&c);
	if (mem == NULL) {
		main_each(app, ms, "start", job_start_vm, want_start);
		if (cpus != NULL)
			app_say(app, 0, "%s", cpus);
		free(list);
	} else {
		text = xasprintf("%s%s%s. Start anyway?", mem, cpus != NULL ?
		    "; " : "", cpus != NULL ? cpus : "");
		text[0] = (char)toupper((unsigned char)text[0]);
		app_push(app, dialog_confirm("Start anyway?", text,
		    main_start_yes, list));
		free(text);
	}
	free(mem);
	free(cpus);
}

/* Confirmed actions name their VMs in the argument: a copied name. */
static void
main_confirmed(struct app *app, const char *text, void *arg, const char *verb,
    job_fn fn)
{
	struct app_vm	*vm;

	if ((vm = app_vm_find(app, arg)) == NULL) {
		app_say(app, 1, "%s is gone", (char *)arg);
		return;
	}
	main_run(app, vm, verb, fn);
}

static void
main_kill_yes(struct app *app, const char *text, void *arg)
{
	main_confirmed(app, text, arg, "kill", job_kill_vm);
}

static void
main_reset_yes(struct app *app, const char *text, void *arg)
{
	main_confirmed(app, text, arg, "reset", job_reset_vm);
}

static void
main_delete_yes(struct app *app, const char *text, void *arg)
{
	struct strv	 names;
	struct app_vm	*vm;
	char		*copy, *name, *save = NULL;
	size_t		 i;

	strv_init(&names);
	copy = xstrdup(arg);
	for (name = strtok_r(copy, " ", &save); name != NULL;
	    name = strtok_r(NULL, " ", &save))
		strv_push(&names, name);
	for (i = 0; i < names.n; i++) {
		if ((vm = app_vm_find(app, names.v[i])) != NULL)
			main_run(app, vm, "delete", job_delete_vm);
	}
	free(copy);
	strv_clear(&names);
}

static int
main_delete_check(struct app *app, const char *text, void *arg, char **why)
{
	const char	*want = arg;
	char		*sp;

	/* Several VMs: type their count; one: type its name. */
	if ((sp = strchr(want, ' ')) != NULL) {
		size_t n = 1;

		for (; sp != NULL; sp = strchr(sp + 1, ' '))
			n++;
		if ((size_t)atoi(text) == n && *text != '\0')
			return (1);
		*why = xasprintf("type %zu to delete them", n);
		return (0);
	}
	if (strcmp(text, want) == 0)
		return (1);
	*why = xasprintf("type %s to delete it", want);
	return (0);
}

static void
main_delete(struct app *app, struct main_screen *ms)
{
	struct app_vm	**t;
	struct strv	  names;
	char		 *list, *text, *prompt;
	size_t		  n, i, live = 0;

	t = main_targets(ms, &n);
	if (n == 0) {
		free(t);
		return;
	}
	strv_init(&names);
	for (i = 0; i < n; i++) {
		strv_push(&names, t[i]->name);
		live += vmstate_is_alive(t[i]->st.state);
	}
	list = strv_join(&names, " ");
	prompt = n == 1 ? xasprintf("type its name, %s", list) :
	    xasprintf("type %zu, the number of VMs", n);
	text = xasprintf("Delete %s and %s disks?%s This cannot be undone: "
	    "%s to confirm.", n == 1 ? list : "the marked VMs",
	    n == 1 ? "its" : "their", live > 0 ?
	    " Running VMs are killed first." : "", prompt);
	app_push(app, dialog_input("Delete", text, "", main_delete_check,
	    main_delete_yes, list));
	free(text);
	free(prompt);
	strv_clear(&names);
	free(t);
}

static void
main_confirm(struct app *app, struct app_vm *vm, const char *title,
    const char *before, const char *after, dialog_fn yes)
{
	char	*text;

	if (vm == NULL)
		return;
	if (!vmstate_is_alive(vm->st.state)) {
		app_say(app, 1, "%s is %s", vm->name, vmstate_name(
		    vm->st.state));
		return;
	}
	if (!app->settings->confirm) {
		yes(app, NULL, vm->name);
		return;
	}
	text = xasprintf("%s%s%s", before, vm->name, after);
	app_push(app, dialog_confirm(title, text, yes, xstrdup(vm->name)));
	free(text);
}

static void
main_pause(struct app *app, struct app_vm *vm)
{
	if (vm == NULL)
		return;
	if (vm->st.state == VM_PAUSED)
		main_run(app, vm, "resume", job_resume_vm);
	else if (vm->st.state == VM_RUNNING)
		main_run(app, vm, "pause", job_pause_vm);
	else
		app_say(app, 1, "%s is %s", vm->name, vmstate_name(
		    vm->st.state));
}


/* Clone jobs: the argument is "MODE\tSRC\tDST". */
static int
job_clone_vm(struct app *app, void *arg, int fd, char **cause)
{
	struct strv	 notes;
	char		*copy, *src, *dst, *save = NULL;
	int		 full, rc;

	copy = xstrdup(arg);
	full = strcmp(strtok_r(copy, "\t", &save), "full") == 0;
	src = strtok_r(NULL, "\t", &save);
	dst = strtok_r(NULL, "\t", &save);
	app_job_progress(fd, full ? "copying %s's disks" : "freezing %s's "
	    "disks as a shared base", src);
	strv_init(&notes);
	rc = vmctl_clone(app->lib, src, dst, full ? CLONE_FULL : CLONE_LINKED,
	    NULL, NULL, NULL, &notes, cause);
	if (rc == 0)
		*cause = xasprintf("new VM %s (%s)", dst, full ? "full copy" :
		    "linked clone");
	strv_clear(&notes);
	free(copy);
	return (rc);
}

static void
main_clone_done(struct app *app, int ok, const char *text, void *arg)
{
	char	*dst = strrchr(arg, '\t');

	if (!ok)
		app_error(app, "Clone", text);
	else {
		app_say(app, 0, "cloned: %s", text);
		free(app->select);
		app->select = xstrdup(dst + 1);
	}
	free(arg);
}

static void
main_clone_ok(struct app *app, const char *text, void *arg)
{
	char	*job_arg, *title;

	job_arg = xasprintf("%s\t%s", (char *)arg, text);
	title = xasprintf("clone to %s", text);
	app_push(app, dialog_job(app_job(app, title, NULL, job_clone_vm,
	    main_clone_done, job_arg)));
	free(title);
}

static int
main_clone_check(struct app *app, const char *text, void *arg, char **why)
{
	if (name_check(text, "VM", why) != 0)
		return (0);
	if (library_exists(app->lib, text)) {
		*why = xasprintf("a VM named '%s' already exists", text);
		return (0);
	}
	return (1);
}

static void
main_clone(struct app *app, struct app_vm *vm, int full)
{
	char	*text, *def;

	if (vm == NULL || vm->def == NULL)
		return;
	if (vmstate_is_alive(vm->st.state)) {
		app_say(app, 1, "%s is %s: clone a stopped VM (or take a "
		    "snapshot, stop it, and clone from the snapshot: S)",
		    vm->name, vmstate_name(vm->st.state));
		return;
	}
	text = xasprintf(full ? "Full clone of %s: every disk is copied. "
	    "Name of the new VM:" : "Linked clone of %s: instant; %s's disks "
	    "become a frozen base both VMs share, each writing its own "
	    "overlay. Name of the new VM:", vm->name, vm->name);
	def = xasprintf("%s-clone", vm->name);
	app_push(app, dialog_input(full ? "Full clone" : "Linked clone", text,
	    def, main_clone_check, main_clone_ok, xasprintf("%s\t%s",
	    full ? "full" : "linked", vm->name)));
	free(text);
	free(def);
}

/* ---- Labs ---------------------------------------------------------------- */

/* The lab keys: what each runs of the lab engine, and its word. */
static const struct {
	enum tui_action	 key;
	enum lab_action	 action;
	const char	*verb;
} main_lab_actions[] = {
	{ ACT_LAB_UP, LAB_UP, "up" },
	{ ACT_LAB_DOWN, LAB_DOWN, "down" },
	{ ACT_LAB_RESET, LAB_RESET, "reset" },
};

static const char *
main_lab_verb(enum lab_action action)
{
	size_t	i;

	for (i = 0; main_lab_actions[i].action != action; i++)
		;
	return (main_lab_actions[i].verb);
}

/* A lab job's argument. */
struct main_lab_job {
	enum lab_action	 action;
	char		*lab;
};

/* In the job: the engine's words, a progress line each. */
static void
job_lab_progress(void *arg, const char *vm, const char *what)
{
	int	fd = *(int *)arg;

	if (vm != NULL)
		app_job_progress(fd, "%s %s", vm, what);
	else
		app_job_progress(fd, "%s", what);
}

/*
 * Up reads the lab file the lab was last brought up from; down and reset
 * need only the lab's name. SIGTERM (Esc on the job's dialog) stops the
 * engine between steps, and its cause says what was done.
 */
static int
job_lab(struct app *app, void *arg, int fd, char **cause)
{
	struct main_lab_job	*lj = arg;
	struct lab_hooks	 hooks;
	char			*file = NULL;
	int			 rc;

	memset(&hooks, 0, sizeof hooks);
	hooks.progress = job_lab_progress;
	hooks.arg = &fd;
	if (lj->action == LAB_UP && (file = lab_file_of(app->lib, lj->lab,
	    cause)) == NULL)
		return (-1);
	rc = lab_run(app->lib, file != NULL ? file : lj->lab, lj->action,
	    &hooks, cause);
	free(file);
	return (rc);
}

static void
main_lab_done(struct app *app, int ok, const char *text, void *arg)
{
	struct main_lab_job	*lj = arg;

	if (!ok)
		app_error(app, "Lab", text);
	else
		app_say(app, 0, "lab %s: %s done%s%s", lj->lab,
		    main_lab_verb(lj->action), *text != '\0' ? ": " : "", text);
	free(lj->lab);
	free(lj);
}

/* Run a lab action as a job, its dialog on top (Esc stops it). */
static void
main_lab_run(struct app *app, const char *lab, size_t which)
{
	struct main_lab_job	*lj;
	char			*key, *title;

	key = main_lab_job_key(lab);
	if (app_job_for(app, key) != NULL) {
		app_say(app, 1, "lab %s is busy: %s", lab,
		    app_job_for(app, key)->title);
		free(key);
		return;
	}
	lj = xcalloc(1, sizeof *lj);
	lj->action = main_lab_actions[which].action;
	lj->lab = xstrdup(lab);
	title = xasprintf("%s lab %s", main_lab_actions[which].verb, lab);
	app_push(app, dialog_job(app_job(app, title, key, job_lab,
	    main_lab_done, lj)));
	free(title);
	free(key);
}

static void
main_lab_reset_yes(struct app *app, const char *text, void *arg)
{
	size_t	i;

	for (i = 0; main_lab_actions[i].action != LAB_RESET; i++)
		;
	main_lab_run(app, arg, i);
}

/* A lab key on a lab's header or one of its VMs. */
static void
main_lab_key(struct app *app, struct main_screen *ms, enum tui_action key)
{
	struct labgroup_lab	*lab;
	char			*text;
	size_t			 i;

	if ((lab = main_current_lab(ms)) == NULL) {
		app_say(app, 1, "not a lab's VM: labs come from lab files "
		    "(vmdesk up FILE)");
		return;
	}
	for (i = 0; main_lab_actions[i].key != key; i++)
		;
	if (main_lab_actions[i].action != LAB_RESET) {
		main_lab_run(app, lab->name, i);
		return;
	}
	text = xasprintf("Reset every VM of lab %s to its baseline "
	    "snapshot? What they did since is lost.", lab->name);
	app_push(app, dialog_confirm("Reset lab", text, main_lab_reset_yes,
	    xstrdup(lab->name)));
	free(text);
}

/* Space: mark the VM, or on a lab's header all its shown VMs, or none. */
static void
main_mark(struct main_screen *ms)
{
	struct labgroup_lab	 *lab;
	struct app_vm		**t;
	size_t			  i;
	int			  all = 1;

	if (main_current(ms) != NULL)
		main_current(ms)->marked = !main_current(ms)->marked;
	else if ((lab = main_current_lab(ms)) != NULL) {
		t = ms->shown;
		for (i = 0; i < lab->n; i++)
			all &= t[ms->group.by[lab->first + i]]->marked;
		for (i = 0; i < lab->n; i++)
			t[ms->group.by[lab->first + i]]->marked = !all;
	}
	main_select(ms, ms->cursor + 1);
}

static int
main_filter_key(struct app *app, struct main_screen *ms, int key)
{
	size_t	len = strlen(ms->filter);

	switch (key) {
	case 27:
		ms->filter[0] = '\0';
		/* FALLTHROUGH */
	case '\n':
	case '\r':
	case KEY_ENTER:
		ms->filtering = 0;
		return (1);
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len > 0)
			ms->filter[len - 1] = '\0';
		return (1);
	}
	if (key >= 32 && key < 127 && len + 1 < sizeof ms->filter) {
		ms->filter[len] = (char)key;
		ms->filter[len + 1] = '\0';
		ms->cursor = 0;
		free(ms->selected);
		free(ms->selected_lab);
		ms->selected = ms->selected_lab = NULL;
		return (1);
	}
	return (0);
}

/* A click: a row selects, the key bar acts as its key. */
static int
main_mouse(struct app *app, struct screen *s, struct main_screen *ms)
{
	const struct tui_key	*k;
	MEVENT			 ev;
	int			 n, i, x = 0, w;

	if (getmouse(&ev) != OK)
		return (0);
	if (ev.bstate & BUTTON4_PRESSED) {
		main_select(ms, ms->cursor - 3);
		return (1);
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		main_select(ms, ms->cursor + 3);
		return (1);
	}
	if (ev.y == LINES - 1) {
		k = keys_table(&n);
		for (i = 0; i < n; i++) {
			if (k[i].label == NULL || !(k[i].where & KEYS_MAIN))
				continue;
			w = draw_width(k[i].name) + draw_width(k[i].label) + 1;
			if (ev.x >= x && ev.x < x + w)
				return (s->ops->key(app, s, k[i].key));
			x += w;
		}
		return (0);
	}
	/*
	 * Beside a pane, a click gives the focus to the side clicked; in a
	 * pane that has it already, the click is the guest's (a tablet).
	 */
	if (pane_kind(ms->pane) != PANE_OFF && ev.y > 0 && ev.y < LINES - 2) {
		if (ev.x > ms->list_w && pane_focused(ms->pane) &&
		    ungetmouse(&ev) == OK)
			return (pane_key(app, ms->pane, KEY_MOUSE));
		pane_focus(ms->pane, ev.x > ms->list_w);
		if (ev.x > ms->list_w)
			return (1);
	}
	if (ev.y >= ms->list_y && ev.y < ms->list_y + ms->list_rows &&
	    ev.x < ms->list_w) {
		main_select(ms, ms->top + ev.y - ms->list_y);
		return (1);
	}
	return (0);
}

static int
main_key(struct app *app, struct screen *s, int key)
{
	struct main_screen	*ms = s->data;
	const struct tui_key	*k, *k2;
	struct app_vm		*vm;
	size_t			 i;
	int			 all;

	if (ms->filtering)
		return (main_filter_key(app, ms, key));
	if (key == KEY_MOUSE)
		return (main_mouse(app, s, ms));
	/* The pane with the focus takes every key (its menu gives it back). */
	if (pane_focused(ms->pane))
		return (pane_key(app, ms->pane, key));
	/* The app leaves Ctrl-L to screens with I/O (the thumbnail's). */
	if (key == ('l' & 0x1f)) {
		clearok(curscr, TRUE);
		return (1);
	}
	main_build(app, ms);
	vm = main_current(ms);
	switch (keys_lookup(key, KEYS_MAIN)) {
	case ACT_QUIT:
		app->quit = 1;
		return (1);
	case ACT_HELP:
		app_push(app, screen_help());
		return (1);
	case ACT_UP:
		main_select(ms, ms->cursor - 1);
		return (1);
	case ACT_DOWN:
		main_select(ms, ms->cursor + 1);
		return (1);
	case ACT_PAGE_UP:
		main_select(ms, ms->cursor - ms->list_rows);
		return (1);
	case ACT_PAGE_DOWN:
		main_select(ms, ms->cursor + ms->list_rows);
		return (1);
	case ACT_HOME:
		main_select(ms, 0);
		return (1);
	case ACT_END:
		main_select(ms, (int)ms->group.nrows - 1);
		return (1);
	case ACT_START:
		main_start(app, ms);
		return (1);
	case ACT_STOP:
		main_each(app, ms, "stop", job_stop_vm, want_stop);
		return (1);
	case ACT_FORCE_STOP:
		main_confirm(app, vm, "Force stop", "End ", "'s QEMU now? The "
		    "guest gets no chance to save its work.", main_kill_yes);
		return (1);
	case ACT_RESET:
		main_confirm(app, vm, "Reset", "Hard-reset ", ", as the reset "
		    "button would?", main_reset_yes);
		return (1);
	case ACT_PAUSE:
		main_pause(app, vm);
		return (1);
	case ACT_DELETE:
		main_delete(app, ms);
		return (1);
	case ACT_CREATE:
		app_push(app, screen_wizard(app));
		return (1);
	case ACT_CONSOLE:
		/* QEMU's serial port serves one client: the pane lets go. */
		if (vm != NULL && pane_kind(ms->pane) == PANE_SERIAL)
			pane_suspend(ms->pane);
		if (vm != NULL)
			app_console(app, vm->name);
		return (1);
	case ACT_PANE_SCREEN:
		pane_toggle(ms->pane, PANE_SCREEN);
		return (1);
	case ACT_PANE_SERIAL:
		pane_toggle(ms->pane, PANE_SERIAL);
		return (1);
	case ACT_PANE_FOCUS:
		k = keys_for(ACT_PANE_SCREEN, KEYS_MAIN);
		k2 = keys_for(ACT_PANE_SERIAL, KEYS_MAIN);
		if (pane_kind(ms->pane) == PANE_OFF)
			app_say(app, 1, "no pane: %s shows the VM's screen "
			    "beside the list, %s its serial console",
			    k != NULL ? k->name : "V",
			    k2 != NULL ? k2->name : "T");
		else if (!pane_focus(ms->pane, 1))
			app_say(app, 1, "nothing to type into: the pane shows "
			    "no console");
		return (1);
	case ACT_VIEW:
		if (vm == NULL)
			return (1);
		app_vm_refresh(app, vm);
		if (vm->def != NULL && (vm->def->display == VM_DISPLAY_NONE ||
		    vm->def->machine == VM_MACHINE_MICROVM))
			app_say(app, 1, "%s has no display: c shows its serial "
			    "console", vm->name);
		else if (!vmstate_is_alive(vm->st.state))
			app_say(app, 1, "%s is %s: start it first (F4)",
			    vm->name, vmstate_name(vm->st.state));
		else
			app_push(app, screen_console(app, vm->name));
		return (1);
	case ACT_WALL:
		app_push(app, screen_wall(vm != NULL ? vm->name : NULL));
		return (1);
	case ACT_GRAPHS:
		if (vm != NULL)
			app_push(app, screen_graphs(vm->name));
		return (1);
	case ACT_SNAPSHOTS:
		if (vm != NULL)
			app_push(app, screen_snapshots(vm->name));
		return (1);
	case ACT_CLONE:
	case ACT_CLONE_FULL:
		main_clone(app, vm, keys_lookup(key, KEYS_MAIN) ==
		    ACT_CLONE_FULL);
		return (1);
	case ACT_EDIT:
		if (vm == NULL || vm->def == NULL)
			break;
		if (vmstate_is_alive(vm->st.state))
			app_say(app, 1, "%s is %s: stop it to change its "
			    "hardware", vm->name, vmstate_name(vm->st.state));
		else
			app_push(app, screen_edit(vm->def));
		return (1);
	case ACT_UNDER_HOOD:
		if (vm != NULL)
			app_push(app, screen_under_hood(app, vm->name));
		return (1);
	case ACT_DEVICES:
		if (vm != NULL && vm->def != NULL)
			app_push(app, screen_devices(vm->name));
		else if (vm != NULL)
			app_say(app, 1, "%s: %s", vm->name, vm->error);
		return (1);
	case ACT_FILTER:
		ms->filtering = 1;
		return (1);
	case ACT_SORT:
		ms->sort = (ms->sort + 1) % SORT_COUNT;
		return (1);
	case ACT_MARK:
		main_mark(ms);
		return (1);
	case ACT_LAB_UP:
	case ACT_LAB_DOWN:
	case ACT_LAB_RESET:
		main_lab_key(app, ms, keys_lookup(key, KEYS_MAIN));
		return (1);
	case ACT_MARK_ALL:
		for (all = 1, i = 0; i < ms->nshown; i++)
			all &= ms->shown[i]->marked;
		for (i = 0; i < ms->nshown; i++)
			ms->shown[i]->marked = !all;
		return (1);
	default:
		break;
	}
	return (0);
}

static void
main_free(struct screen *s)
{
	struct main_screen	*ms = s->data;

	thumb_free(ms->thumb);
	pane_free(ms->pane);
	free(ms->shown);
	labgroup_clear(&ms->group);
	free(ms->selected);
	free(ms->selected_lab);
	free(ms);
}

/*
 * One descriptor a screen: the pane's while it has a session (the
 * thumbnail's closes after the first draw without details), else the
 * thumbnail's. The other one still gets its timers.
 */
static int
main_fd(struct screen *s)
{
	struct main_screen	*ms = s->data;
	int			 fd;

	if ((fd = pane_fd(ms->pane)) != -1)
		return (fd);
	return (thumb_fd(ms->thumb));
}

static int
main_wait_ms(struct screen *s)
{
	struct main_screen	*ms = s->data;
	int			 a, b;

	a = pane_wait_ms(ms->pane);
	b = thumb_wait_ms(ms->thumb);
	if (a < 0 || (b >= 0 && b < a))
		return (b);
	return (a);
}

static void
main_ready(struct app *app, struct screen *s, int revents)
{
	struct main_screen	*ms = s->data;
	int			 pane = pane_fd(ms->pane) != -1;

	pane_ready(app, ms->pane, pane ? revents : 0);
	if (thumb_ready(ms->thumb, pane ? 0 : revents))
		app->dirty = 1;
}

/*
 * After each draw: a thumbnail nobody saw this pass (another screen
 * covers the list, the VM stopped, another is selected) closes its
 * session.
 */
static void
main_drawn(struct app *app, struct screen *s)
{
	struct main_screen	*ms = s->data;
	int			 covered = app_covered(app, s);

	if (covered || !ms->thumb_seen)
		thumb_follow(ms->thumb, NULL, NULL);
	pane_drawn(app, ms->pane, covered);
}

static const struct screen_ops main_ops = {
	"main", KEYS_MAIN, 1, main_draw, main_key, main_free
};

static const struct screen_io main_io = {
	main_fd, main_wait_ms, main_ready, main_drawn
};

struct screen *
screen_main(struct app *app)
{
	struct main_screen	*ms;
	struct screen		*s;

	ms = xcalloc(1, sizeof *ms);
	ms->thumb = thumb_create();
	s = app_screen(&main_ops, ms);
	ms->pane = pane_create(s);
	s->io = &main_io;
	return (s);
}
