/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for core/vmdef: parse, validate, write back, keep unknowns. */
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

#include "core/vmdef.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

static const char full_conf[] =
	"[vm]\n"
	"name = web1\n"
	"template = debian-12\n"
	"os = Debian 12\n"
	"arch = x86_64\n"
	"machine = pc\n"
	"accel = tcg\n"
	"cpus = 4\n"
	"memory = 2G\n"
	"firmware = uefi\n"
	"display = virtio\n"
	"colour = blue\n"
	"\n"
	"[boot]\n"
	"iso = /tmp/installer.iso\n"
	"order = dc\n"
	"\n"
	"[disk root]\n"
	"file = root.qcow2\n"
	"bus = sata\n"
	"format = qcow2\n"
	"\n"
	"[disk scratch]\n"
	"file = /var/tmp/scratch.img\n"
	"format = raw\n"
	"readonly = yes\n"
	"\n"
	"[nic net0]\n"
	"model = e1000\n"
	"mac = 52:54:00:aa:bb:cc\n"
	"forward = tcp:2222:22\n"
	"forward = udp:5353:53\n"
	"\n"
	"[future feature]\n"
	"knob = 11\n";

static struct vm_def *
parse(const char *text, char **cause)
{
	*cause = NULL;
	return (vmdef_parse(text, strlen(text), "vm.conf", cause));
}

static void
test_vmdef_parses_every_field(void **state)
{
	struct vm_def	*def;
	char		*cause;

	def = parse(full_conf, &cause);
	if (def == NULL)
		fail_msg("%s", cause);
	assert_string_equal(def->name, "web1");
	assert_string_equal(def->template, "debian-12");
	assert_string_equal(def->os, "Debian 12");
	assert_int_equal(def->machine, VM_MACHINE_PC);
	assert_string_equal(def->accel, "tcg");
	assert_int_equal(def->cpus, 4);
	assert_true(def->memory == 2ULL << 30);
	assert_int_equal(def->firmware, VM_FIRMWARE_UEFI);
	assert_int_equal(def->display, VM_DISPLAY_VIRTIO);
	assert_string_equal(def->boot.iso, "/tmp/installer.iso");
	assert_string_equal(def->boot.order, "dc");
	assert_int_equal(def->ndisks, 2);
	assert_string_equal(def->disks[0].name, "root");
	assert_int_equal(def->disks[0].bus, VM_BUS_SATA);
	assert_int_equal(def->disks[1].format, VM_FORMAT_RAW);
	assert_int_equal(def->disks[1].bus, VM_BUS_VIRTIO);
	assert_true(def->disks[1].readonly);
	assert_int_equal(def->nnics, 1);
	assert_int_equal(def->nics[0].model, VM_NIC_E1000);
	assert_int_equal(def->nics[0].nforwards, 2);
	assert_int_equal(def->nics[0].forwards[1].udp, 1);
	assert_int_equal(def->nics[0].forwards[1].host_port, 5353);
	assert_int_equal(def->nics[0].forwards[1].guest_port, 53);
	/* Unknown keys are kept, and said. */
	assert_int_equal(def->nextras, 2);
	assert_int_equal(def->warnings.n, 2);
	assert_non_null(strstr(def->warnings.v[0], "vm.conf:34: unknown "
	    "section [future]"));
	assert_non_null(strstr(def->warnings.v[1], "vm.conf:12: unknown key "
	    "'colour' in [vm]"));
	vmdef_free(def);
}

static void
test_vmdef_round_trip_keeps_everything(void **state)
{
	struct vm_def	*a, *b;
	char		*cause, *ta, *tb;

	a = parse(full_conf, &cause);
	assert_non_null(a);
	ta = vmdef_format(a);
	b = parse(ta, &cause);
	if (b == NULL)
		fail_msg("%s\n%s", cause, ta);
	tb = vmdef_format(b);
	assert_string_equal(ta, tb);
	assert_non_null(strstr(ta, "colour = blue\n"));
	assert_non_null(strstr(ta, "[future feature]\nknob = 11\n"));
	assert_non_null(strstr(ta, "forward = udp:5353:53\n"));
	assert_non_null(strstr(ta, "memory = 2G\n"));
	assert_non_null(strstr(ta, "readonly = yes\n"));
	free(ta);
	free(tb);
	vmdef_free(a);
	vmdef_free(b);
}

/* Unknown keys alone in [boot] stay there (they once moved into [vm]). */
static void
test_vmdef_unknown_boot_keys_stay_in_boot(void **state)
{
	struct vm_def	*a, *b;
	char		*cause, *ta;

	a = parse("[vm]\nname = a\nos = x\n[boot]\nos = typo\nkernal = k\n",
	    &cause);
	assert_non_null(a);
	ta = vmdef_format(a);
	assert_non_null(strstr(ta, "\n[boot]\nos = typo\nkernal = k\n"));
	b = parse(ta, &cause);
	if (b == NULL)
		fail_msg("%s\n%s", cause, ta);
	free(ta);
	vmdef_free(a);
	vmdef_free(b);
}

static void
expect_error(const char *text, const char *msg)
{
	struct vm_def	*def;
	char		*cause;

	def = parse(text, &cause);
	if (def != NULL)
		fail_msg("parsed, expected '%s'", msg);
	if (strstr(cause, msg) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, msg);
	free(cause);
}

static void
test_vmdef_errors_name_file_and_line(void **state)
{
	expect_error("[vm]\nname = a\ncpus = 0\n", "vm.conf:3: cpus: 0 is out "
	    "of range (1 to 64)");
	expect_error("[vm]\nname = a\ncpus = two\n", "vm.conf:3: cpus: 'two' "
	    "is not a number");
	/* ssh would take this user for an option. */
	expect_error("[vm]\nname = a\nuser = -oProxyCommand=x\n",
	    "vm.conf:3: user: '-oProxyCommand=x' is not a login name");
	expect_error("[vm]\nname = a\nmachine = isapc\n", "vm.conf:3: machine:"
	     " 'isapc' is not q35, pc, microvm or virt");
	expect_error("[vm]\nname = a\nmemory = lots\n", "vm.conf:3: memory:");
	expect_error("[vm]\nname = a\nname = b\n", "vm.conf:3: 'name' is "
	    "already set at line 2");
	expect_error("[vm]\nname = ../etc\n", "vm.conf:2: name:");
	expect_error("[vm]\ncpus = 1\n", "vm.conf: [vm] has no name");
	expect_error("[boot]\nkernel = /k\n", "vm.conf: no [vm] section");
	expect_error("[vm]\nname = a\n[vm]\n", "vm.conf:3: section [vm] "
	    "appears twice");
	expect_error("[vm]\nname = a\n[disk]\nfile = x\n", "vm.conf:3: [disk] "
	    "needs a name");
	expect_error("[vm]\nname = a\n[disk d]\nbus = virtio\n", "[disk d] "
	    "has no file");
	expect_error("[vm]\nname = a\n[disk d]\nfile = x\n[disk d]\nfile = y\n",
	    "vm.conf:5: section [disk d] appears twice");
	expect_error("[vm]\nname = a\n[nic n]\nforward = tcp:22\n",
	    "vm.conf:4: forward: forward 'tcp:22' is not PROTO:HOSTPORT:"
	    "GUESTPORT");
	expect_error("[vm]\nname = a\n[nic n]\nforward = sctp:1:2\n",
	    "protocol must be tcp or udp");
	expect_error("[vm]\nname = a\n[nic n]\nforward = tcp:0:22\n",
	    "port 0 is out of range");
	expect_error("[vm]\nname = a\n[disk d]\nfile = x\nreadonly = maybe\n",
	    "vm.conf:5: readonly: 'maybe' is not yes or no");
	expect_error("[vm]\nname = a\n[boot]\nkernel =\n", "vm.conf:4: kernel: "
	    "empty path");
}

static void
test_vmdef_nic_gets_a_mac(void **state)
{
	struct vm_def	*def;
	char		*cause;

	def = parse("[vm]\nname = a\n[nic n]\n", &cause);
	assert_non_null(def);
	assert_non_null(def->nics[0].mac);
	assert_int_equal(strlen(def->nics[0].mac), 17);
	assert_memory_equal(def->nics[0].mac, "52:54:00:", 9);
	vmdef_free(def);
}

static void
expect_invalid(const char *text, const char *dir, const char *msg)
{
	struct vm_def	*def;
	char		*cause;

	def = parse(text, &cause);
	if (def == NULL)
		fail_msg("parse failed: %s", cause);
	if (vmdef_validate(def, dir, &cause) == 0)
		fail_msg("valid, expected '%s'", msg);
	if (strstr(cause, msg) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, msg);
	free(cause);
	vmdef_free(def);
}

static void
test_vmdef_validate(void **state)
{
	struct vm_def	*def;
	char		 dir[] = "/tmp/test_vmdef.XXXXXX", *disk, *cause = NULL;

	assert_non_null(mkdtemp(dir));
	disk = fs_path_join(dir, "d.qcow2");
	assert_int_equal(fs_write_atomic(disk, "x", 1, 0644, &cause), 0);

	def = parse("[vm]\nname = a\n[disk d]\nfile = d.qcow2\n", &cause);
	assert_non_null(def);
	assert_int_equal(vmdef_validate(def, dir, &cause), 0);
	vmdef_free(def);

	expect_invalid("[vm]\nname = a\n[disk d]\nfile = gone.qcow2\n", dir,
	    "VM a: disk ");
	expect_invalid("[vm]\nname = a\nmachine = microvm\n", dir, "a microvm "
	    "boots a kernel directly");
	expect_invalid("[vm]\nname = a\n[boot]\ninitrd = d.qcow2\n", dir,
	    "an initrd needs a kernel");
	expect_invalid("[vm]\nname = a\n[boot]\norder = x\n", dir,
	    "boot order 'x'");
	expect_invalid("[vm]\nname = a\nmemory = 8M\n", dir,
	    "memory must be between 16M and 1T");
	expect_invalid("[vm]\nname = a\n[nic n]\nmac = 01:00:00:00:00:01\n",
	    dir, "not a unicast MAC");
	expect_invalid("[vm]\nname = a\n[nic n]\nmac = 52:54:00:zz:00:01\n",
	    dir, "not a unicast MAC");
	expect_invalid("[vm]\nname = a\n[nic n]\nforward = tcp:2222:22\n"
	    "[nic m]\nforward = tcp:2222:80\n", dir,
	    "host port 2222 is forwarded twice");
	expect_invalid("[vm]\nname = a\nmachine = microvm\n[boot]\n"
	    "kernel = d.qcow2\n[disk d]\nfile = d.qcow2\nbus = sata\n", dir,
	    "a microvm only has virtio disks");
	expect_invalid("[vm]\nname = a\nvnc_port = 5899\n", dir,
	    "vnc_port must be 0 (a free port) or between 5900 and 65535");
	expect_invalid("[vm]\nname = a\nvnc_tcp = yes\ndisplay = none\n", dir,
	    "vnc_tcp needs a display");
	expect_invalid("[vm]\nname = a\nvnc_tcp = yes\nvnc_port = 5905\n"
	    "[nic n]\nforward = tcp:5905:22\n", dir,
	    "vnc_port 5905 is also a port forward");

	fs_rm_rf(dir, &cause);
	free(disk);
}

static void
test_vmdef_save_is_atomic_and_readable(void **state)
{
	struct vm_def	*def, *back;
	char		 dir[] = "/tmp/test_vmdef.XXXXXX", *path, *cause = NULL;

	assert_non_null(mkdtemp(dir));
	path = fs_path_join(dir, "vm.conf");
	def = vmdef_create("saved");
	def->cpus = 3;
	assert_int_equal(vmdef_save(def, path, &cause), 0);
	back = vmdef_load(path, &cause);
	assert_non_null(back);
	assert_int_equal(back->cpus, 3);
	assert_string_equal(back->name, "saved");
	/* No temp file left beside it. */
	assert_int_equal(access(path, F_OK), 0);
	vmdef_free(def);
	vmdef_free(back);
	free(path);
	fs_rm_rf(dir, &cause);
}

/* VNC over TCP: off unless asked, and kept across a rewrite. */
static void
test_vmdef_vnc_tcp(void **state)
{
	struct vm_def	*def, *back;
	char		*text, *cause = NULL;

	def = parse("[vm]\nname = a\n", &cause);
	assert_non_null(def);
	assert_int_equal(def->vnc_tcp, 0);
	assert_int_equal(def->vnc_port, 0);
	text = vmdef_format(def);
	assert_null(strstr(text, "vnc_"));
	free(text);
	vmdef_free(def);

	def = parse("[vm]\nname = a\nvnc_tcp = yes\nvnc_port = 5911\n",
	    &cause);
	assert_non_null(def);
	assert_int_equal(def->vnc_tcp, 1);
	assert_int_equal(def->vnc_port, 5911);
	assert_int_equal(vmdef_validate(def, "/", &cause), 0);
	text = vmdef_format(def);
	back = parse(text, &cause);
	assert_non_null(back);
	assert_int_equal(back->vnc_tcp, 1);
	assert_int_equal(back->vnc_port, 5911);
	free(text);
	vmdef_free(back);
	vmdef_free(def);

	assert_null(parse("[vm]\nname = a\nvnc_tcp = sometimes\n", &cause));
	assert_non_null(strstr(cause, "vnc_tcp"));
	free(cause);
	assert_null(parse("[vm]\nname = a\nvnc_port = 70000\n", &cause));
	assert_non_null(strstr(cause, "vnc_port"));
	free(cause);
}

static void
test_vmdef_enum_value(void **state)
{
	char	*cause = NULL;
	int	 v;

	assert_int_equal(vmdef_enum_value("bus", "nvme", &v, &cause), 0);
	assert_int_equal(v, VM_BUS_NVME);
	assert_int_equal(vmdef_enum_value("model", "rtl8139", &v, &cause), 0);
	assert_int_equal(v, VM_NIC_RTL8139);
	assert_int_equal(vmdef_enum_value("machine", "vax", &v, &cause), -1);
	assert_non_null(strstr(cause, "q35, pc, microvm or virt"));
	free(cause);
}

/* A person's vm.conf: a change keeps their comments and layout. */
static void
test_vmdef_rewrite_keeps_comments(void **state)
{
	const char	 text[] =
		"# my build box\n"
		"[vm]\n"
		"name = b1\n"
		"cpus = 2   \n"
		"; more later\n"
		"memory = 1G\n"
		"colour = blue\n"
		"\n"
		"[nic net0]\n"
		"mac = 52:54:00:aa:bb:cc\n"
		"# ssh\n"
		"forward = tcp:2222:22\n";
	struct vm_def	*def;
	char		*cause = NULL, *out;

	def = vmdef_parse(text, strlen(text), "vm.conf", &cause);
	assert_non_null(def);
	out = vmdef_format(def);
	assert_string_equal(out, text);
	free(out);
	assert_int_equal(vmdef_assign(def, "memory", "2G", VMDEF_KEY_SET,
	    &cause), 0);
	assert_int_equal(vmdef_assign(def, "tpm", "on", VMDEF_KEY_SET,
	    &cause), 0);
	assert_int_equal(vmdef_assign(def, "nic.net0.forward",
	    "tcp:2222:22, udp:5353:53", VMDEF_KEY_SET, &cause), 0);
	out = vmdef_format(def);
	assert_string_equal(out,
	    "# my build box\n"
	    "[vm]\n"
	    "name = b1\n"
	    "cpus = 2   \n"
	    "; more later\n"
	    "memory = 2G\n"
	    "colour = blue\n"
	    "tpm = yes\n"
	    "\n"
	    "[nic net0]\n"
	    "mac = 52:54:00:aa:bb:cc\n"
	    "# ssh\n"
	    "forward = tcp:2222:22\n"
	    "forward = udp:5353:53\n");
	free(out);
	vmdef_free(def);
}

/* One reading of a boolean, in vm.conf and through vmdesk set's path. */
static void
test_vmdef_booleans_alike(void **state)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	struct vm_def	*def;
	char		*cause = NULL, *text;
	size_t		 i;

	for (i = 0; i < 4; i++) {
		text = xasprintf("[vm]\nname = a\ntpm = %s\n", yes[i]);
		def = vmdef_parse(text, strlen(text), "vm.conf", &cause);
		assert_non_null(def);
		assert_int_equal(def->tpm, 1);
		assert_int_equal(vmdef_assign(def, "tpm", no[i],
		    VMDEF_KEY_SET, &cause), 0);
		assert_int_equal(def->tpm, 0);
		assert_int_equal(vmdef_assign(def, "tpm", yes[i],
		    VMDEF_KEY_SET, &cause), 0);
		assert_int_equal(def->tpm, 1);
		vmdef_free(def);
		free(text);
	}
	def = vmdef_create("a");
	assert_int_equal(vmdef_assign(def, "tpm", "maybe", VMDEF_KEY_SET,
	    &cause), -1);
	assert_string_equal(cause, "tpm: 'maybe' is not yes or no");
	free(cause);
	vmdef_free(def);
}

static void
expect_assign_error(struct vm_def *def, const char *path, const char *value,
    const char *want)
{
	char	*cause = NULL;

	assert_int_equal(vmdef_assign(def, path, value, VMDEF_KEY_SET,
	    &cause), -1);
	if (strstr(cause, want) == NULL)
		fail_msg("%s=%s: '%s' lacks '%s'", path, value, cause, want);
	free(cause);
}

/* Keys by path: bare, boot., disk.NAME., nic.NAME.; refusals say why. */
static void
test_vmdef_assign_paths(void **state)
{
	struct vm_def	*def;
	char		*cause = NULL;

	def = vmdef_create("a");
	vmdef_add_disk(def, "root")->file = xstrdup("root.qcow2");
	vmdef_add_nic(def, "net0")->mac = xstrdup("52:54:00:00:00:01");
	assert_int_equal(vmdef_assign(def, "bus", "sata", VMDEF_KEY_SET,
	    &cause), 0);
	assert_int_equal(def->disks[0].bus, VM_BUS_SATA);
	assert_int_equal(vmdef_assign(def, "disk.root.readonly", "true",
	    VMDEF_KEY_SET, &cause), 0);
	assert_int_equal(def->disks[0].readonly, 1);
	assert_int_equal(vmdef_assign(def, "boot.iso", "/x.iso",
	    VMDEF_KEY_SET, &cause), 0);
	assert_string_equal(def->boot.iso, "/x.iso");
	assert_int_equal(vmdef_assign(def, "boot.iso", "", VMDEF_KEY_SET,
	    &cause), 0);
	assert_null(def->boot.iso);
	assert_int_equal(vmdef_assign(def, "memory", "", VMDEF_KEY_SET,
	    &cause), 0);
	assert_int_equal(def->memory, 512ULL << 20);
	vmdef_add_disk(def, "data")->file = xstrdup("data.qcow2");
	expect_assign_error(def, "bus", "nvme", "has 2 disks: name one, as in "
	    "disk.NAME.bus");
	expect_assign_error(def, "disk.nosuch.bus", "nvme", "has no [disk "
	    "nosuch]");
	expect_assign_error(def, "colour", "blue", "'colour' is not a key");
	expect_assign_error(def, "name", "b", "'name' cannot be set");
	expect_assign_error(def, "cpus", "65", "cpus");
	expect_assign_error(def, "nic.net0.forward", "tcp:1:x", "forward");
	vmdef_free(def);
}

/* The defaults come from the key table, and the table is whole. */
static void
test_vmdef_table_defaults(void **state)
{
	const struct vmdef_key	*keys;
	struct vm_def		*def;
	char			*v;
	size_t			 n, i;

	def = vmdef_create("a");
	keys = vmdef_keys(&n);
	for (i = 0; i < n; i++) {
		assert_non_null(keys[i].help);
		assert_non_null(vmdef_key_find(keys[i].section, keys[i].key));
		if (keys[i].def == NULL || strcmp(keys[i].section, "vm") != 0)
			continue;
		v = vmdef_key_get(&keys[i], def);
		assert_string_equal(v, keys[i].def);
		free(v);
	}
	assert_int_equal(def->machine, VM_MACHINE_Q35);
	assert_int_equal(def->cpus, 1);
	vmdef_free(def);
}

/* info --json's definition: typed values from the table. */
static void
test_vmdef_section_json(void **state)
{
	struct vm_def	*def;
	json_t		*j;
	char		*cause = NULL;

	def = vmdef_create("a");
	assert_int_equal(vmdef_assign(def, "tpm", "on", VMDEF_KEY_SET,
	    &cause), 0);
	j = json_pack("{s:s, s:n}", "name", "a", "accel", "");
	json_object_set_new(j, "accel", json_string("tcg"));
	vmdef_section_json("vm", def, j);
	assert_true(json_is_true(json_object_get(j, "tpm")));
	assert_int_equal(json_integer_value(json_object_get(j, "memory")),
	    512LL << 20);
	assert_int_equal(json_integer_value(json_object_get(j, "cpus")), 1);
	assert_string_equal(json_string_value(json_object_get(j,
	    "machine")), "q35");
	assert_true(json_is_null(json_object_get(j, "user")));
	/* The status's accel stays; the definition's goes beside it. */
	assert_string_equal(json_string_value(json_object_get(j, "accel")),
	    "tcg");
	assert_string_equal(json_string_value(json_object_get(j,
	    "accel_wanted")), "auto");
	/* The same name with the same value is not doubled. */
	assert_null(json_object_get(j, "name_wanted"));
	json_decref(j);
	vmdef_free(def);
}

/* A value other than the default for a key of each kind. */
static const char *
sample(const struct vmdef_key *k)
{
	static const char *const by_kind[] = {
		[VMDEF_STRING] = "some text",
		[VMDEF_CHOICE] = NULL,
		[VMDEF_PATH] = "/p/x.img",
		[VMDEF_NAME] = "n1",
		[VMDEF_LOGIN] = "alice",
		[VMDEF_INT] = NULL,
		[VMDEF_SIZE] = "2G",
		[VMDEF_ENUM] = NULL,
		[VMDEF_BOOL] = "yes",
		[VMDEF_MAC] = "52:54:00:ab:cd:ef",
		[VMDEF_FORWARD] = "tcp:2022:22, udp:5353:53",
	};

	size_t	i;

	/* The first name that is not the default: "yes" for a bool at no. */
	for (i = 0; k->names != NULL && k->names[i] != NULL; i++) {
		if (k->def == NULL || strcmp(k->names[i], k->def) != 0)
			return (k->names[i]);
	}
	if (k->names != NULL)
		return (k->names[0]);
	if (k->kind == VMDEF_INT)
		return (k->max == VMDEF_VNC_PORT_MAX ? "5901" : "3");
	return (by_kind[k->kind]);
}

/* Every key of the table, set, written and read back: the same value. */
static void
test_vmdef_every_key_round_trips(void **state)
{
	const struct vmdef_key	*keys;
	struct vm_def		*def, *back;
	char			*cause = NULL, *text, *path, *a, *b;
	char			 item[2] = "";
	size_t			 n, i;

	keys = vmdef_keys(&n);
	for (i = 0; i < n; i++) {
		def = vmdef_create("rt");
		vmdef_add_disk(def, "d")->file = xstrdup("d.qcow2");
		vmdef_add_nic(def, "n")->mac = xstrdup("52:54:00:00:00:01");
		((struct vm_share *)vmdef_add_item(def, "share",
		    "s"))->path = xstrdup("/srv");
		vmdef_add_item(def, "usb", "u");
		if (strcmp(keys[i].section, "vm") == 0)
			path = xstrdup(keys[i].key);
		else if (strcmp(keys[i].section, "boot") == 0)
			path = xasprintf("boot.%s", keys[i].key);
		else	/* each repeated section's item is named by its initial */
			path = xasprintf("%s.%c.%s", keys[i].section,
			    keys[i].section[0], keys[i].key);
		if (vmdef_assign(def, path, sample(&keys[i]), 0, &cause) != 0)
			fail_msg("%s: %s", path, cause);
		text = vmdef_format(def);
		if ((back = vmdef_parse(text, strlen(text), "rt.conf",
		    &cause)) == NULL)
			fail_msg("%s: %s\n%s", path, cause, text);
		item[0] = keys[i].section[0];
		a = vmdef_key_get(&keys[i], vmdef_section(def,
		    keys[i].section, item));
		b = vmdef_key_get(&keys[i], vmdef_section(back,
		    keys[i].section, item));
		if (a == NULL || b == NULL || strcmp(a, b) != 0)
			fail_msg("%s: set %s, read back %s", path,
			    a != NULL ? a : "nothing",
			    b != NULL ? b : "nothing");
		free(a);
		free(b);
		free(text);
		free(path);
		vmdef_free(back);
		vmdef_free(def);
	}
}

/* Items of repeated sections come and go; an empty one is still written. */
static void
test_vmdef_items_add_remove(void **state)
{
	struct vm_def	*def, *back;
	char		*text, *cause = NULL;

	(void)state;
	def = vmdef_create("it");
	vmdef_add_item(def, "usb", "a");
	vmdef_add_item(def, "usb", "b");
	vmdef_add_item(def, "usb", "c");
	assert_int_equal(vmdef_remove_item(def, "usb", "b"), 0);
	assert_int_equal(vmdef_remove_item(def, "usb", "b"), -1);
	assert_int_equal(vmdef_remove_item(def, "share", "a"), -1);
	assert_int_equal(def->nusbs, 2);
	assert_int_equal(vmdef_count(def, "usb"), 2);
	assert_string_equal(def->usbs[1].name, "c");
	assert_ptr_equal(vmdef_item(def, "usb", 1), &def->usbs[1]);
	assert_null(vmdef_item(def, "usb", 2));
	assert_string_equal(vmdef_repeated(0), "disk");
	assert_string_equal(vmdef_repeated(3), "usb");
	assert_null(vmdef_repeated(4));
	text = vmdef_format(def);
	assert_non_null(strstr(text, "[usb a]\n"));
	back = vmdef_parse(text, strlen(text), "it.conf", &cause);
	assert_non_null(back);
	assert_int_equal(back->nusbs, 2);
	assert_string_equal(back->usbs[0].name, "a");
	assert_int_equal(vmdef_assign(back, "usb.c.readonly", "yes", 0,
	    &cause), 0);
	assert_int_equal(back->usbs[1].readonly, 1);
	free(text);
	vmdef_free(back);
	vmdef_free(def);
}

/*
 * A section added to a file a person wrote comes out once, with its
 * keys at their defaults too (a rewrite once opened it again for each).
 */
static void
test_vmdef_item_added_to_a_file(void **state)
{
	static const char	 conf[] = "# mine\n[vm]\nname = f\n\n"
	    "[disk root]\nfile = root.qcow2\n";
	struct vm_def		*def;
	struct vm_disk		*d;
	char			*text, *cause = NULL, *p;

	(void)state;
	def = vmdef_parse(conf, strlen(conf), "f.conf", &cause);
	assert_non_null(def);
	d = vmdef_add_item(def, "disk", "disk1");
	d->file = strdup("disk1.qcow2");
	d->bus = VM_BUS_SCSI;
	text = vmdef_format(def);
	p = strstr(text, "[disk disk1]\n");
	assert_non_null(p);
	assert_null(strstr(p + 1, "[disk disk1]"));
	assert_non_null(strstr(p, "bus = scsi\n"));
	assert_non_null(strstr(p, "format = qcow2\n"));
	/* The person's section is left as written. */
	assert_non_null(strstr(text, "[disk root]\nfile = root.qcow2\n"));
	free(text);
	vmdef_free(def);
}

/* Topology must make cpus; boot order takes words or letters. */
static void
test_vmdef_topology_and_boot_order(void **state)
{
	struct vm_def	*def;
	char		*cause = NULL, *l;

	(void)state;
	def = vmdef_create("topo");
	def->cpus = 4;
	def->cores = 2;
	assert_int_equal(vmdef_validate(def, "/nonexistent", &cause), 0);
	def->threads = 2;
	def->sockets = 2;
	assert_int_equal(vmdef_validate(def, "/nonexistent", &cause), -1);
	assert_non_null(strstr(cause, "does not make cpus = 4"));
	free(cause);
	def->sockets = 1;
	assert_int_equal(vmdef_validate(def, "/nonexistent", &cause), 0);
	def->cores = 3;
	def->threads = 0;
	assert_int_equal(vmdef_validate(def, "/nonexistent", &cause), -1);
	free(cause);
	vmdef_free(def);
	l = vmdef_boot_letters("cdrom, disk,net");
	assert_string_equal(l, "dcn");
	free(l);
	l = vmdef_boot_letters("dc");
	assert_string_equal(l, "dc");
	free(l);
	assert_null(vmdef_boot_letters("usb"));
	assert_null(vmdef_boot_letters(""));
	assert_null(vmdef_boot_letters(","));
}

/* Shares: a tag a mount command takes as it is, once, on a folder. */
static void
test_vmdef_share_rules(void **state)
{
	expect_invalid("[vm]\nname = a\n[share s]\npath = /tmp\n"
	    "tag = a b\n", "/", "tag 'a b' must be 1 to 31");
	expect_invalid("[vm]\nname = a\n[share s]\npath = /tmp\n"
	    "tag = 0123456789012345678901234567890123\n", "/",
	    "must be 1 to 31");
	expect_invalid("[vm]\nname = a\n[share s]\npath = /tmp\n"
	    "[share t]\npath = /tmp\ntag = s\n", "/",
	    "shares s and t have the same tag");
	expect_invalid("[vm]\nname = a\n[share s]\npath = tmp\n", "/",
	    "share s: tmp is not a folder");
	expect_invalid("[vm]\nname = a\n[share s]\npath = /etc/passwd\n",
	    "/", "share s: /etc/passwd is not a folder");
}

/* Validate def, expecting failure with want in the cause (NULL: success). */
static void
expect_valid(struct vm_def *def, const char *want)
{
	char	*cause = NULL;

	if (want == NULL) {
		assert_int_equal(vmdef_validate(def, "/nonexistent", &cause),
		    0);
		return;
	}
	assert_int_equal(vmdef_validate(def, "/nonexistent", &cause), -1);
	if (strstr(cause, want) == NULL)
		fail_msg("'%s' lacks '%s'", cause, want);
	free(cause);
}

static void
test_vmdef_nic_net_shapes(void **state)
{
	struct vm_def	*def;
	struct vm_nic	*n;
	const char	*arg;

	(void)state;
	def = vmdef_create("nets");
	n = vmdef_add_item(def, "nic", "lan");
	n->mac = vmdef_random_mac();
	assert_int_equal(vmdef_nic_net(n, &arg), VM_NET_USER);
	expect_valid(def, NULL);
	free(n->net);
	n->net = xstrdup("private:lab-1");
	assert_int_equal(vmdef_nic_net(n, &arg), VM_NET_PRIVATE);
	assert_string_equal(arg, "lab-1");
	expect_valid(def, NULL);
	free(n->net);
	n->net = xstrdup("bridge:br0");
	assert_int_equal(vmdef_nic_net(n, &arg), VM_NET_BRIDGE);
	assert_string_equal(arg, "br0");
	expect_valid(def, NULL);
	n->forwards = xcalloc(1, sizeof *n->forwards);
	n->nforwards = 1;
	n->forwards[0].host_port = 2222;
	n->forwards[0].guest_port = 22;
	expect_valid(def, "port forwards need net user");
	free(n->net);
	n->net = xstrdup("bridge:a-very-long-bridge");
	expect_valid(def, "longer than 15");
	free(n->net);
	n->net = xstrdup("private:../x");
	expect_valid(def, "not user, bridge:BRIDGE or private:NETWORK");
	free(n->net);
	n->net = xstrdup("userx");
	assert_int_equal(vmdef_nic_net(n, &arg), VM_NET_BAD);
	expect_valid(def, "net 'userx'");
	free(n->net);
	n->net = xstrdup("private:");
	expect_valid(def, "net 'private:'");
	vmdef_free(def);
}

static void
test_vmdef_usb_shapes(void **state)
{
	struct vm_def	*def;
	struct vm_usb	*u;
	unsigned	 v, p;

	(void)state;
	def = vmdef_create("usbs");
	u = vmdef_add_item(def, "usb", "key");
	expect_valid(def, "needs either file or host");
	u->host = xstrdup("046d:C52b");
	expect_valid(def, NULL);
	assert_int_equal(vmdef_usb_id(u->host, &v, &p), 0);
	assert_int_equal(v, 0x046d);
	assert_int_equal(p, 0xc52b);
	u->file = xstrdup("/nonexistent/stick.img");
	expect_valid(def, "needs either file or host");
	free(u->host);
	u->host = NULL;
	expect_valid(def, "USB image /nonexistent/stick.img is missing");
	free(u->file);
	u->file = NULL;
	u->host = xstrdup("46d:c52b0");
	expect_valid(def, "is not VENDOR:PRODUCT");
	assert_int_equal(vmdef_usb_id("046d:c52g", &v, &p), -1);
	vmdef_free(def);
}

/* What each architecture's machine has, and what only PCs have. */
static void
test_vmdef_arch_rules(void **state)
{
	static const struct {
		const char	*conf;
		const char	*want;
	} cases[] = {
		{ "arch = aarch64\nmachine = virt\nfirmware = uefi\n"
		  "display = virtio\n", NULL },
		{ "arch = armhf\nmachine = virt\nfirmware = uefi\n"
		  "display = none\n", NULL },
		{ "arch = aarch64\n", "(aarch64): the machine must be virt" },
		{ "machine = virt\n", "machine virt is for the other" },
		{ "arch = riscv64\nmachine = virt\n",
		  "the firmware must be uefi" },
		{ "arch = aarch64\nmachine = virt\nfirmware = uefi\n",
		  "virt has no VGA" },
		{ "arch = riscv64\nmachine = virt\nfirmware = uefi\n"
		  "display = none\ntpm = yes\n", "no TPM device" },
		{ "arch = aarch64\nmachine = virt\nfirmware = uefi\n"
		  "display = virtio\n[disk d]\nfile = /dev/null\nbus = sata\n",
		  "disk d: the virt machine has no IDE or SATA" },
	};
	struct vm_def	*def;
	char		*text, *cause = NULL;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text = xasprintf("[vm]\nname = a\n%s", cases[i].conf);
		def = vmdef_parse(text, strlen(text), "vm.conf", &cause);
		if (def == NULL)
			fail_msg("case %zu: %s", i, cause);
		expect_valid(def, cases[i].want);
		vmdef_free(def);
		free(text);
	}
	/* The disk holds an OS of its architecture: set cannot change it. */
	def = vmdef_create("a");
	assert_int_equal(vmdef_assign(def, "arch", "aarch64", VMDEF_KEY_SET,
	    &cause), -1);
	assert_non_null(strstr(cause, "cannot be set"));
	free(cause);
	assert_int_equal(vmdef_arch(def), VM_ARCH_X86_64);
	vmdef_free(def);
}

/* A template's x86 hardware made another architecture's. */
static void
test_vmdef_set_arch(void **state)
{
	struct vm_def	*def;
	struct vm_disk	*d;

	def = vmdef_create("a");
	d = vmdef_add_disk(def, "d");
	d->file = xstrdup("/dev/null");
	d->bus = VM_BUS_SATA;
	vmdef_set_arch(def, VM_ARCH_AARCH64);
	assert_string_equal(def->arch, "aarch64");
	assert_int_equal(def->machine, VM_MACHINE_VIRT);
	assert_int_equal(def->firmware, VM_FIRMWARE_UEFI);
	assert_int_equal(def->display, VM_DISPLAY_VIRTIO);
	assert_int_equal(def->disks[0].bus, VM_BUS_VIRTIO);
	expect_valid(def, NULL);
	vmdef_set_arch(def, VM_ARCH_X86_64);
	assert_int_equal(vmdef_arch(def), VM_ARCH_X86_64);
	vmdef_free(def);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmdef_parses_every_field),
		cmocka_unit_test(test_vmdef_round_trip_keeps_everything),
		cmocka_unit_test(test_vmdef_unknown_boot_keys_stay_in_boot),
		cmocka_unit_test(test_vmdef_errors_name_file_and_line),
		cmocka_unit_test(test_vmdef_nic_gets_a_mac),
		cmocka_unit_test(test_vmdef_validate),
		cmocka_unit_test(test_vmdef_save_is_atomic_and_readable),
		cmocka_unit_test(test_vmdef_enum_value),
		cmocka_unit_test(test_vmdef_vnc_tcp),
		cmocka_unit_test(test_vmdef_rewrite_keeps_comments),
		cmocka_unit_test(test_vmdef_booleans_alike),
		cmocka_unit_test(test_vmdef_assign_paths),
		cmocka_unit_test(test_vmdef_table_defaults),
		cmocka_unit_test(test_vmdef_section_json),
		cmocka_unit_test(test_vmdef_every_key_round_trips),
		cmocka_unit_test(test_vmdef_items_add_remove),
		cmocka_unit_test(test_vmdef_topology_and_boot_order),
		cmocka_unit_test(test_vmdef_item_added_to_a_file),
		cmocka_unit_test(test_vmdef_share_rules),
		cmocka_unit_test(test_vmdef_nic_net_shapes),
		cmocka_unit_test(test_vmdef_usb_shapes),
		cmocka_unit_test(test_vmdef_arch_rules),
		cmocka_unit_test(test_vmdef_set_arch),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
