/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for ops/labfile: a lab file read whole, count expanded,
 * {n} and {name} replaced, bare section keys named, and every mistake
 * refused with its file and line before anything is made. Templates come
 * from the shipped folder (VMDESK_TEMPLATES_DIR).
 */
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

#include "core/library.h"
#include "ops/labfile.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

struct fixture {
	char		 dir[64];
	char		*file;
	struct library	*lib;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	char		*cause = NULL, *home;

	strcpy(f->dir, "/tmp/test_labfile.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	home = fs_path_join(f->dir, "home");
	setenv("VMDESK_HOME", home, 1);
	free(home);
	if (getenv("VMDESK_TEMPLATES_DIR") == NULL)
		setenv("VMDESK_TEMPLATES_DIR", "share/templates", 1);
	f->file = fs_path_join(f->dir, "t.lab");
	f->lib = library_open(&cause);
	assert_non_null(f->lib);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	library_free(f->lib);
	assert_int_equal(fs_rm_rf(f->dir, NULL), 0);
	free(f->file);
	free(f);
	return (0);
}

/* Load text as a lab file; NULL and *cause on an error. */
static struct lab *
load(struct fixture *f, const char *text, char **cause)
{
	*cause = NULL;
	assert_int_equal(fs_write_atomic(f->file, text, strlen(text), 0600,
	    NULL), 0);
	return (labfile_load(f->lib, f->file, cause));
}

static const struct lab_key *
key(const struct lab_vm *vm, const char *name)
{
	size_t	i;

	for (i = 0; i < vm->nkeys; i++) {
		if (strcmp(vm->keys[i].key, name) == 0)
			return (&vm->keys[i]);
	}
	return (NULL);
}

static void
test_labfile_count(void **state)
{
	struct fixture	*f = *state;
	struct lab	*lab;
	char		*cause;

	lab = load(f, "[lab]\nname = net\n\n[vm node]\ntemplate = tinylinux\n"
	    "count = 3\nmemory = 128M\nnic.forward = tcp:{n}022:22\n"
	    "nic.lab.net = private:net\n"
	    "provision = ip addr add 10.0.0.{n}/24 dev eth1 # {name}\n"
	    "\n[vm db]\ntemplate = tinylinux\n", &cause);
	if (lab == NULL)
		fail_msg("%s", cause);
	assert_string_equal(lab->name, "net");
	assert_string_equal(lab->baseline, LABFILE_BASELINE);
	assert_int_equal(lab->nvms, 4);
	assert_string_equal(lab->vms[0].name, "node-1");
	assert_string_equal(lab->vms[2].name, "node-3");
	assert_string_equal(lab->vms[3].name, "db");
	assert_string_equal(lab->vms[2].provision.v[0],
	    "ip addr add 10.0.0.3/24 dev eth1 # node-3");
	/* The template's one NIC is named, so a second one can follow. */
	assert_non_null(key(&lab->vms[1], "nic.net0.forward"));
	assert_string_equal(key(&lab->vms[1], "nic.net0.forward")->value,
	    "tcp:2022:22");
	assert_int_equal(key(&lab->vms[1], "memory")->line, 7);
	assert_true(lab->vms[0].ram_only);
	assert_string_equal(lab->vms[0].ready, "tinylinux: ready");
	assert_ptr_equal(labfile_vm(lab, "db"), &lab->vms[3]);
	assert_null(labfile_vm(lab, "node-4"));
	labfile_free(lab);
}

/* A lab disk's size and bus are the lab's; apply adds the new NIC. */
static void
test_labfile_apply(void **state)
{
	struct fixture	*f = *state;
	struct lab	*lab;
	struct vm_def	*def;
	char		*cause, *v = NULL;

	lab = load(f, "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\n"
	    "disk.extra.size = 2G\ndisk.extra.bus = sata\n"
	    "nic.lab.net = private:x\nnic.lab.model = e1000\n", &cause);
	if (lab == NULL)
		fail_msg("%s", cause);
	assert_int_equal(lab->vms[0].ndisks, 1);
	assert_int_equal(lab->vms[0].disks[0].size, 2ULL << 30);
	assert_string_equal(lab->vms[0].disks[0].bus, "sata");
	assert_int_equal(lab->vms[0].nkeys, 2);
	def = vmdef_create("a");
	assert_int_equal(labfile_apply(def, &lab->vms[0], lab->file, &cause),
	    0);
	assert_int_equal(vmdef_get(def, "nic.lab.model", &v, &cause), 0);
	assert_string_equal(v, "e1000");
	free(v);
	assert_non_null(((struct vm_nic *)vmdef_section(def, "nic",
	    "lab"))->mac);
	vmdef_free(def);
	labfile_free(lab);
}

/* Keys that reach the host are told apart from the guest's own. */
static void
test_labfile_host_access(void **state)
{
	static const struct {
		const char	*key;
		const char	*value;
		int		 host;
	} keys[] = {
		{ "share.src.path", "/", 1 },
		{ "usb.stick.file", "/tmp/x.img", 1 },
		{ "usb.dev.host", "1234:5678", 1 },
		{ "nic.lan.net", "bridge:br0", 1 },
		{ "nic.lan.net", "private:lab", 0 },
		{ "nic.net0.net", "user", 0 },
		{ "boot.kernel", "/boot/vmlinuz", 1 },
		{ "memory", "1G", 0 },
		{ "share.src.readonly", "yes", 0 },
	};
	struct lab_key	k;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		k.key = (char *)keys[i].key;
		k.value = (char *)keys[i].value;
		if ((labfile_host_access(&k) != NULL) != keys[i].host)
			fail_msg("%s = %s", keys[i].key, keys[i].value);
	}
}

/* Every mistake: its line, and nothing loaded. */
static void
test_labfile_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} bad[] = {
		{ "[vm a]\ntemplate = tinylinux\n", "no [lab] section" },
		{ "[lab]\nname = l\n", "no [vm NAME] section" },
		{ "[lab]\nname = l\ncolour = red\n[vm a]\ntemplate = tinylinux\n",
		  ":3: 'colour' is not a key of [lab]" },
		{ "[lab]\n[vm a]\ntemplate = tinylinux\n", ":1: [lab] needs a name" },
		{ "[lab]\nname = ../x\n[vm a]\ntemplate = tinylinux\n", ":1: " },
		{ "[lab]\nname = l\n[lab]\nname = m\n", ":3: a second [lab]" },
		{ "[lab]\nname = l\n[vmm a]\n", ":3: [vmm] is not a section" },
		{ "[lab]\nname = l\n[vm]\ntemplate = tinylinux\n",
		  ":3: [vm] needs a VM name" },
		{ "[lab]\nname = l\n[vm ../../etc]\ntemplate = tinylinux\n", ":3: " },
		{ "[lab]\nname = l\n[vm a]\nmemory = 1G\n", ":3: [vm a] names no "
		  "template" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = nosuch\n", ":4: " },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\nmemroy = 1G\n",
		  ":5: 'memroy' is not a key of vm.conf" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\n\nmemory = lots\n",
		  ":6: memory" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\ncount = 65\n",
		  ":5: count" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\ncount = 0\n",
		  ":5: count" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\nname = b\n",
		  ":5: 'name' cannot be set" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\nlab = other\n",
		  ":5: 'lab' cannot be set" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\n"
		  "user = alice\n", "template tinylinux has no cloud-init" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\n"
		  "ssh_key = /nonexistent.pub\n", ":5: ssh_key" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\ntimeout = 0\n",
		  ":5: " },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\n"
		  "disk.x.size = 1G\ndisk.x.bus = floppy\n", ":6: " },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\n"
		  "nic.n.net = private:bad name\n", "" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\ncount = 2\n"
		  "[vm a-1]\ntemplate = tinylinux\n", ":6: VM a-1 is in the lab "
		  "twice" },
		{ "[lab]\nname = l\n[vm a]\ntemplate = tinylinux\n"
		  "cpus = 2\nsockets = 3\n", ":3: [vm a]: " },
	};
	struct fixture	*f = *state;
	struct lab	*lab;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		lab = load(f, bad[i].text, &cause);
		if (lab != NULL)
			fail_msg("case %zu loaded", i);
		if (cause == NULL || strstr(cause, bad[i].want) == NULL ||
		    strstr(cause, "t.lab") == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i,
			    cause != NULL ? cause : "(null)", bad[i].want);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_labfile_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_labfile_apply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_labfile_errors, setup,
		    teardown),
		cmocka_unit_test(test_labfile_host_access),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
