/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scrolling views: help from the key table, and QEMU's command line explained. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/qemu_argv.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

struct view {
	char		*title;
	struct strv	 lines;
	int		 top;
	char		*vm;		/* under the hood: whose QMP log */
	size_t		 fixed;		/* lines before the live log */
};

/* Under the hood: the fixed lines, then the newest QMP traffic. */
static void
view_live(struct app *app, struct view *v)
{
	struct app_vm	*vm;
	int		 i, k;

	if (v->vm == NULL || (vm = app_vm_find(app, v->vm)) == NULL)
		return;
	while (v->lines.n > v->fixed) {
		free(v->lines.v[--v->lines.n]);
		v->lines.v[v->lines.n] = NULL;
	}
	for (i = 0; i < APP_QMP_LOG; i++) {
		k = (vm->qmp_log_next + i) % APP_QMP_LOG;
		if (vm->qmp_log[k] != NULL)
			strv_pushf(&v->lines, "  %s", vm->qmp_log[k]);
	}
}

static void
view_draw(struct app *app, struct screen *s)
{
	struct view	*v = s->data;
	int		 i, rows = LINES - 3;

	view_live(app, v);
	attrset(draw_attr(ROLE_TITLE));
	mvhline(0, 0, ' ', COLS);
	draw_textf(0, 1, COLS - 2, "%s  (%d-%d of %zu)", v->title, v->top + 1,
	    v->top + rows < (int)v->lines.n ? v->top + rows :
	    (int)v->lines.n, v->lines.n);
	attrset(A_NORMAL);
	for (i = 0; i < rows && v->top + i < (int)v->lines.n; i++)
		draw_text(1 + i, 1, COLS - 2, v->lines.v[v->top + i]);
	draw_keybar(app, KEYS_VIEW);
}

static int
view_key(struct app *app, struct screen *s, int key)
{
	struct view	*v = s->data;
	int		 rows = LINES - 3, max;

	max = (int)v->lines.n - rows;
	if (max < 0)
		max = 0;
	switch (keys_lookup(key, KEYS_VIEW)) {
	case ACT_CLOSE:
		app_pop(app);
		return (1);
	case ACT_UP:
		v->top--;
		break;
	case ACT_DOWN:
		v->top++;
		break;
	case ACT_PAGE_UP:
		v->top -= rows;
		break;
	case ACT_PAGE_DOWN:
		v->top += rows;
		break;
	case ACT_HOME:
		v->top = 0;
		break;
	case ACT_END:
		v->top = max;
		break;
	default:
		return (0);
	}
	if (v->top > max)
		v->top = max;
	if (v->top < 0)
		v->top = 0;
	return (1);
}

static void
view_free(struct screen *s)
{
	struct view	*v = s->data;

	free(v->title);
	free(v->vm);
	strv_clear(&v->lines);
	free(v);
}

static const struct screen_ops view_ops = {
	"view", KEYS_VIEW, 1, view_draw, view_key, view_free
};

static struct view *
view_new(const char *title)
{
	struct view	*v;

	v = xcalloc(1, sizeof *v);
	v->title = xstrdup(title);
	strv_init(&v->lines);
	return (v);
}

struct screen *
screen_help(void)
{
	static const struct {
		int		 where;
		const char	*heading;
	} groups[] = {
		{ KEYS_MAIN, "The VM list" },
		{ KEYS_CONSOLE, "A VM's screen (every other key goes to the "
		  "guest)" },
		{ KEYS_SERIAL, "A serial console (every other key goes to "
		  "the guest)" },
		{ KEYS_SNAP, "The snapshot tree" },
		{ KEYS_WALL, "The wall of running VMs' screens" },
		{ KEYS_DEVICES, "A VM's devices" },
		{ KEYS_VIEW, "Views (help, graphs, command line)" },
		{ KEYS_DIALOG, "Dialogs" },
	};
	const struct tui_key	*k;
	struct view		*v;
	size_t			 g;
	int			 n, i;

	v = view_new("vmdesk help: every key (vmdesk keys prints them too)");
	k = keys_table(&n);
	for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		if (g > 0)
			strv_push(&v->lines, "");
		strv_push(&v->lines, groups[g].heading);
		for (i = 0; i < n; i++) {
			if (k[i].where & groups[g].where)
				strv_pushf(&v->lines, "  %-8s %s", k[i].name,
				    k[i].help);
		}
	}
	strv_push(&v->lines, "");
	strv_push(&v->lines, "VMs keep running when the desktop quits or "
	    "dies; the next vmdesk finds them.");
	strv_push(&v->lines, "States: running, paused, shutting-down (the "
	    "power button was pressed), stopped, crashed.");
	return (app_screen(&view_ops, v));
}

/* One line for each QEMU option vmdesk uses, for people learning QEMU. */
static const struct {
	const char	*opt;
	const char	*what;
} hood_explain[] = {
	{ "-name", "the VM's name; process= names the QEMU process in ps/top" },
	{ "-machine", "the board: q35 (modern PC, PCIe), pc (i440FX), microvm "
	  "(minimal, virtio-mmio, no BIOS devices)" },
	{ "-accel", "how guest code runs: kvm (hardware virtualisation) or tcg "
	  "(QEMU translates every instruction: slower, works anywhere)" },
	{ "-cpu", "the CPU model the guest sees: host (KVM passes the real one) "
	  "or max (every feature TCG can emulate)" },
	{ "-smp", "number of virtual CPUs" },
	{ "-m", "guest RAM" },
	{ "-nodefaults", "no default devices: every device is listed here" },
	{ "-no-user-config", "ignore QEMU's own config files" },
	{ "-S", "start with the CPUs stopped (vmdesk start --paused)" },
	{ "-chardev", "a character device: here UNIX sockets for the monitors "
	  "and the serial port (logfile= keeps its output)" },
	{ "-mon", "a QMP monitor (JSON commands and events) on a chardev: one "
	  "for the desktop, one for short command-line connections" },
	{ "-serial", "the guest's first serial port (ttyS0), on a chardev" },
	{ "-pidfile", "QEMU writes its pid here and locks the file while it "
	  "lives: how vmdesk finds it again" },
	{ "-daemonize", "QEMU detaches into the background once ready, so it "
	  "outlives vmdesk" },
	{ "-display", "no window: the screen is reached over VNC" },
	{ "-vnc", "the screen over VNC, on a UNIX socket (nothing on TCP)" },
	{ "-device", "a device on a bus: VGA, virtio disks and NICs, USB "
	  "tablet (absolute mouse), balloon (memory stats), RNG (entropy)" },
	{ "-drive", "a disk image and how it is opened (if=none: attached by "
	  "a -device; pflash: UEFI firmware)" },
	{ "-netdev", "a network back end: user = QEMU's own NAT (slirp), "
	  "hostfwd= forwards a host port on 127.0.0.1 into the guest" },
	{ "-kernel", "boot this Linux kernel directly, no boot loader" },
	{ "-initrd", "the initial RAM disk for the kernel" },
	{ "-append", "the kernel command line" },
	{ "-boot", "boot order: c disk, d CD-ROM, n network" },
	{ "-loadvm", "start from a saved snapshot, RAM included" },
	{ "-bios", "the firmware (RISC-V: OpenSBI, under the kernel)" },
};

struct screen *
screen_under_hood(struct app *app, const char *name)
{
	struct app_vm		*vm = app_vm_find(app, name);
	struct qemu_argv_in	 in;
	struct strv		 av;
	struct view		*v;
	char			*cmd, *text, *cause = NULL, *title, *qemu;
	size_t			 i, j, len;

	title = xasprintf("Under the hood: %s's QEMU command line", name);
	v = view_new(title);
	free(title);
	strv_init(&av);
	if (vm != NULL && vm->st.pid > 0) {
		/* The real thing, from the running process. */
		cmd = xasprintf("/proc/%ld/cmdline", (long)vm->st.pid);
		text = fs_read_file(cmd, &len, &cause);
		free(cmd);
		for (i = 0; text != NULL && i < len; i += strlen(text + i) + 1)
			strv_push(&av, text + i);
		free(text);
		free(cause);
		strv_push(&v->lines, "As it runs now (from /proc):");
	} else if (vm != NULL && vm->def != NULL) {
		memset(&in, 0, sizeof in);
		in.def = vm->def;
		in.paths = &vm->paths;
		qemu = vmarch_qemu(vmdef_arch(vm->def),
		    app->settings->qemu);
		in.qemu = qemu;
		in.accel = ACCEL_TCG;
		if (qemu_argv_build(&in, &av, &cause) != 0) {
			strv_push(&v->lines, cause);
			free(cause);
		}
		free(qemu);
		strv_push(&v->lines, "As vmdesk would start it (TCG shown; "
		    "auto picks KVM where it works):");
	}
	strv_push(&v->lines, "");
	for (i = 0; i < av.n; i++) {
		if (av.v[i][0] != '-' || i + 1 >= av.n ||
		    av.v[i + 1][0] == '-') {
			strv_pushf(&v->lines, "%s", av.v[i]);
			continue;
		}
		strv_pushf(&v->lines, "%s %s", av.v[i], av.v[i + 1]);
		for (j = 0; j < sizeof hood_explain / sizeof hood_explain[0];
		    j++) {
			if (strcmp(hood_explain[j].opt, av.v[i]) == 0) {
				strv_pushf(&v->lines, "    # %s",
				    hood_explain[j].what);
				break;
			}
		}
		i++;
	}
	strv_clear(&av);
	strv_push(&v->lines, "");
	strv_push(&v->lines, "The desktop's QMP traffic with this VM, live (-> "
	    "sent, <- received; End follows it):");
	v->vm = xstrdup(name);
	v->fixed = v->lines.n;
	return (app_screen(&view_ops, v));
}
