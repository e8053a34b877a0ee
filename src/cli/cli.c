/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: the command table, shared context and messages. */
#include "config.h"

#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_autostart.h"
#include "cli/cli_lab.h"
#include "cli/cli_bundle.h"
#include "cli/cli_clone.h"
#include "cli/cli_console.h"
#include "cli/cli_disk.h"
#include "cli/cli_doctor.h"
#include "cli/cli_image.h"
#include "cli/cli_json.h"
#include "cli/cli_nic.h"
#include "cli/cli_screen.h"
#include "cli/cli_set.h"
#include "cli/cli_share.h"
#include "cli/cli_snapshot.h"
#include "cli/cli_template.h"
#include "cli/cli_type.h"
#include "cli/cli_usb.h"
#include "cli/cli_vm.h"
#include "images/template.h"
#include "ops/vmctl.h"
#include "tui/app.h"
#include "tui/keys.h"
#include "util/xmalloc.h"

static const struct cli_command cli_commands[] = {
	{ "list", cli_vm_list, "[--json]", "list VMs and their states" },
	{ "create", cli_vm_create, "NAME --template T [--arch A] [--cpus N] "
	  "[--memory SIZE] [--disk-size SIZE] [--forward tcp:HOST:GUEST] "
	  "[--user NAME] [--password | --password-file FILE] "
	  "[--ssh-key FILE]\n"
	  "       vmdesk create NAME --image PATH|URL [--sha256 X] "
	  "[--template T] [...]\n"
	  "       vmdesk create NAME --iso PATH|URL [--sha256 X] "
	  "[--template T] [...]",
	  "create a VM from a template, a disk image or an installer ISO" },
	{ "start", cli_vm_start, "NAME... [--paused] [--force]", "start VMs; "
	  "refuses when their memory would overcommit the host's, unless "
	  "--force" },
	{ "stop", cli_vm_stop, "NAME [--timeout SEC] [--force]",
	  "power a VM off with the ACPI button; --force kills it after the "
	  "timeout" },
	{ "kill", cli_vm_kill, "NAME", "end a VM's QEMU at once" },
	{ "pause", cli_vm_pause, "NAME", "pause a VM's CPUs" },
	{ "resume", cli_vm_resume, "NAME", "resume a paused VM" },
	{ "reset", cli_vm_reset, "NAME", "hard-reset a VM" },
	{ "status", cli_vm_status, "NAME [--json]",
	  "state, pid, uptime, accelerator" },
	{ "info", cli_vm_info, "NAME [--json]",
	  "definition and runtime: sockets, logs, disks" },
	{ "delete", cli_vm_delete, "NAME [--force]",
	  "delete a VM and its disks; --force kills a running one first" },
	{ "set", cli_set, "NAME KEY=VALUE...\n"
	  "       vmdesk set --keys [--json]",
	  "change a stopped VM's keys (cpus, memory, disk.NAME.bus, ...); "
	  "--keys lists them all" },
	{ "share", cli_share, "add NAME HOSTDIR [--tag TAG] [--readonly] "
	  "[--mode auto|virtiofs|9p]\n"
	  "       vmdesk share remove NAME SHARE\n"
	  "       vmdesk share list NAME [--json]",
	  "folders of the host the guest mounts (virtio-fs or 9p)" },
	{ "forward", cli_forward, "add NAME tcp|udp:HOSTPORT:GUESTPORT "
	  "[--nic NIC]\n"
	  "       vmdesk forward remove NAME tcp|udp:HOSTPORT[:GUESTPORT] "
	  "[--nic NIC]\n"
	  "       vmdesk forward list NAME [--json]",
	  "host ports on 127.0.0.1 forwarded to the guest, live" },
	{ "rename", cli_vm_rename, "NAME NEWNAME", "rename a stopped VM" },
	{ "snapshot", cli_snapshot, "create NAME SNAP [--note TEXT] "
	  "[--disk-only]\n"
	  "       vmdesk snapshot list NAME [--json]\n"
	  "       vmdesk snapshot tree NAME\n"
	  "       vmdesk snapshot revert NAME SNAP\n"
	  "       vmdesk snapshot delete NAME SNAP\n"
	  "       vmdesk snapshot rename NAME SNAP NEWNAME\n"
	  "       vmdesk snapshot note NAME SNAP TEXT",
	  "a VM's snapshot tree: take, list, draw, revert, delete, rename, "
	  "annotate" },
	{ "disk", cli_disk, "add NAME [--size SIZE | --file PATH] "
	  "[--bus virtio|sata|scsi|nvme|usb] [--readonly] [--name DISK]\n"
	  "       vmdesk disk resize NAME DISK SIZE\n"
	  "       vmdesk disk remove NAME DISK [--keep-file] [--boot-disk]\n"
	  "       vmdesk disk list NAME [--json]",
	  "a VM's disks: add (hot-plugged while it runs where QEMU can), "
	  "grow, remove, list" },
	{ "media", cli_media, "insert NAME FILE.iso\n"
	  "       vmdesk media eject NAME [--force]",
	  "the CD drive: insert or eject an ISO, live while the VM runs" },
	{ "clone", cli_clone, "SRC DST [--linked|--full] [--from-snapshot SNAP]",
	  "clone a stopped VM: linked (a shared base, default) or full" },
	{ "export", cli_export, "NAME FILE",
	  "write a stopped VM to one .tar.zst bundle" },
	{ "import", cli_import, "FILE [NAME]",
	  "make a VM from a bundle written by export" },
	{ "import-ova", cli_import_ova, "FILE [NAME]",
	  "make a VM from an OVA appliance (VMDK disks become qcow2)" },
	{ "ssh", cli_ssh, "NAME [-- ARGS]",
	  "ssh to a running VM's user through its port forward" },
	{ "vnc", cli_vm_vnc, "NAME [--json]", "the address and password "
	  "of a running VM's VNC over TCP (vnc_tcp = yes)" },
	{ "console", cli_console, "NAME", "attach to a VM's serial console; "
	  "Ctrl-] detaches" },
	{ "templates", cli_template_list, "[--check] [--json]",
	  "list OS templates, or check where their images are now" },
	{ "images", cli_images, "[--json]\n"
	  "       vmdesk images prune",
	  "list the image cache, or remove the images no VM uses" },
	{ "view", cli_view, "NAME", "a VM's screen full screen in the "
	  "terminal; Ctrl-] opens its menu" },
	{ "screenshot", cli_screenshot, "NAME FILE.png",
	  "save a VM's screen as PNG" },
	{ "doctor", cli_doctor, "[--fix]", "check QEMU, firmware, KVM, "
	  "folders, disk space and every VM's definition" },
	{ "nic", cli_nic, "add NAME [--model virtio|e1000|rtl8139] "
	  "[--net user|bridge:BR|private:NET]\n"
	  "       vmdesk nic set NAME NIC [--model M] [--net N]\n"
	  "       vmdesk nic remove NAME NIC\n"
	  "       vmdesk nic list NAME [--json]",
	  "a VM's network cards: NAT, a host bridge, or a private network "
	  "of VMs" },
	{ "usb", cli_usb, "add NAME --file IMAGE [--readonly]\n"
	  "       vmdesk usb add NAME --host VENDOR:PRODUCT\n"
	  "       vmdesk usb remove NAME USB\n"
	  "       vmdesk usb list NAME [--json]",
	  "a VM's USB sticks and host devices, plugged in live" },
	{ "type", cli_type, "NAME TEXT|-",
	  "type text (or standard input) into a running VM's keyboard" },
	{ "keys", cli_keys, "", "list the desktop's key bindings" },
	{ "autostart", cli_autostart, "[--list] [--force]", "start the VMs "
	  "set to autostart (at login or boot: see the man page); --force "
	  "even when their memory would overcommit the host's" },
	{ "plan", cli_plan, "FILE [--json]", "what vmdesk up would do to "
	  "the lab of FILE; exits 0 when nothing differs, 3 when it would "
	  "change something" },
	{ "up", cli_up, "FILE [--restart] [--force]", "bring the lab of FILE "
	  "up: create, change, start, provision, take its baseline" },
	{ "down", cli_down, "FILE|LAB", "stop every VM of a lab" },
	{ "destroy", cli_destroy, "FILE|LAB [--yes]", "delete every VM of a "
	  "lab and its record (asks first)" },
	{ "lab", cli_lab, "list [--json]\n"
	  "       vmdesk lab reset FILE|LAB\n"
	  "       vmdesk lab plan|up|down|destroy ...",
	  "labs: list them, reset every VM of one to its baseline" },
	{ "demo", cli_vm_demo, "[NAME]", "create and start the offline "
	  "tinylinux demo VM and open the desktop on it" },
};

#define CLI_NCOMMANDS	(sizeof cli_commands / sizeof cli_commands[0])

void
cli_error(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fputs("vmdesk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_paths(struct cli *cli, const char *name, struct vm_paths *p)
{
	char	*cause = NULL;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (vmctl_paths(cli->lib, name, p, &cause) != 0)
		return (cli_fail(cause));
	return (CLI_OK);
}

int
cli_fail(char *cause)
{
	cli_error("%s", cause);
	free(cause);
	return (CLI_FAIL);
}

int
cli_fail_vm(const char *name, char *cause)
{
	cli_error("VM %s: %s", name, cause);
	free(cause);
	return (CLI_FAIL);
}

const struct cli_command *
cli_find(const char *name)
{
	size_t	i;

	for (i = 0; i < CLI_NCOMMANDS; i++) {
		if (strcmp(cli_commands[i].name, name) == 0)
			return (&cli_commands[i]);
	}
	return (NULL);
}

int
cli_usage(const char *name)
{
	const struct cli_command	*c = cli_find(name);

	fprintf(stderr, "usage: vmdesk %s %s\n", name, c->usage);
	return (CLI_USAGE);
}

int
cli_want_help(const char *name, int argc, char **argv)
{
	const struct cli_command	*c = cli_find(name);
	int				 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			printf("usage: vmdesk %s %s\n\n%s.\n", name, c->usage,
			    c->summary);
			return (1);
		}
	}
	return (0);
}

void
cli_json_print(json_t *j)
{
	cli_json_write(stdout, j);
	putchar('\n');
	json_decref(j);
}

struct library *
cli_library(struct cli *cli)
{
	char	*cause = NULL;

	if (cli->lib != NULL)
		return (cli->lib);
	if ((cli->lib = library_open(&cause)) == NULL)
		cli_fail(cause);
	else if (cli->lib->runtime_why != NULL)
		cli_error("warning: %s: sockets are in %s",
		    cli->lib->runtime_why, cli->lib->runtime);
	return (cli->lib);
}

struct settings *
cli_settings(struct cli *cli)
{
	char	*cause = NULL;

	if (!cli->settings_loaded) {
		if (settings_load(&cli->settings, &cause) != 0) {
			cli_fail(cause);
			return (NULL);
		}
		cli->settings_loaded = 1;
	}
	return (&cli->settings);
}

/* The config's [keys]: "file:line\taction\tkey" each. */
static int
cli_bind_keys(const struct settings *set)
{
	char	*copy, *where, *action, *key, *save = NULL, *cause = NULL;
	size_t	 i;

	for (i = 0; i < set->keys.n; i++) {
		copy = xstrdup(set->keys.v[i]);
		where = strtok_r(copy, "\t", &save);
		action = strtok_r(NULL, "\t", &save);
		key = strtok_r(NULL, "\t", &save);
		if (key == NULL || keys_bind(action, key, &cause) != 0) {
			cli_error("%s: %s", where, cause != NULL ? cause :
			    "a key is missing");
			free(cause);
			free(copy);
			return (-1);
		}
		free(copy);
	}
	return (0);
}

int
cli_desktop_run(struct cli *cli, const char *select)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error("the desktop needs a terminal; vmdesk --help lists "
		    "the commands");
		return (CLI_USAGE);
	}
	if (cli_settings(cli) == NULL || cli_library(cli) == NULL ||
	    cli_bind_keys(&cli->settings) != 0)
		return (CLI_FAIL);
	return (app_run(cli->lib, &cli->settings, select));
}

int
cli_desktop_view(struct cli *cli, const char *name)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error("vmdesk view needs a terminal");
		return (CLI_USAGE);
	}
	if (cli_settings(cli) == NULL || cli_library(cli) == NULL ||
	    cli_bind_keys(&cli->settings) != 0)
		return (CLI_FAIL);
	return (app_run_view(cli->lib, &cli->settings, name));
}

/* The desktop: vmdesk with no command. */
static int
cli_desktop(void)
{
	struct cli	cli;
	int		rc;

	memset(&cli, 0, sizeof cli);
	rc = cli_desktop_run(&cli, NULL);
	library_free(cli.lib);
	if (cli.settings_loaded)
		settings_clear(&cli.settings);
	return (rc);
}

int
cli_keys(struct cli *cli, int argc, char **argv)
{
	const struct tui_key	*k;
	int			 n, i;

	if (argc != 1)
		return (cli_usage("keys"));
	k = keys_table(&n);
	for (i = 0; i < n; i++)
		printf("%-8s %-9s %s\n", k[i].name, k[i].where & KEYS_MAIN ?
		    "list" : k[i].where & KEYS_SNAP ? "snapshots" :
		    k[i].where & KEYS_VIEW ? "view" : k[i].where &
		    KEYS_CONSOLE ? "console" : k[i].where & KEYS_SERIAL ?
		    "serial" : k[i].where & KEYS_WALL ? "wall" : "dialog",
		    k[i].help);
	return (CLI_OK);
}

static void
cli_help(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: vmdesk [COMMAND [ARGS]]\n\n"
	    "A terminal VM workstation on QEMU. Commands:\n");
	for (i = 0; i < CLI_NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", cli_commands[i].name,
		    cli_commands[i].summary);
	fprintf(f, "\nvmdesk COMMAND --help shows a command's arguments; "
	    "man vmdesk tells the rest.\n");
}

int
cli_main(int argc, char **argv)
{
	const struct cli_command	*c;
	struct cli			 cli;
	int				 rc;

	if (argc < 2)
		return (cli_desktop());
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("vmdesk %s\n", VERSION);
		return (CLI_OK);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_help(stdout);
		return (CLI_OK);
	}
	if ((c = cli_find(argv[1])) == NULL) {
		cli_error("unknown command '%s' (vmdesk --help lists them)",
		    argv[1]);
		return (CLI_USAGE);
	}
	if (cli_want_help(c->name, argc - 1, argv + 1))
		return (CLI_OK);
	memset(&cli, 0, sizeof cli);
	cli.argv0 = argv[0];
	rc = c->run(&cli, argc - 1, argv + 1);
	library_free(cli.lib);
	if (cli.settings_loaded)
		settings_clear(&cli.settings);
	return (rc);
}
