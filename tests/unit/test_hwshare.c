/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for ops/hwshare and ops/hwfwd over a real library in a temp
 * folder: every refusal of a shared folder, shares written to vm.conf,
 * the mode a share gets, and host ports another VM's definition holds.
 */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/virtiofsd.h"
#include "core/library.h"
#include "images/cloudinit.h"
#include "ops/hwfwd.h"
#include "ops/hwshare.h"
#include "ops/sharepath.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

struct fixture {
	char		 top[64];
	char		*home;
	char		*run;
	struct library	*lib;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	char		*cause = NULL;

	strcpy(f->top, "/tmp/test_hwshare.XXXXXX");
	assert_non_null(mkdtemp(f->top));
	f->home = fs_path_join(f->top, "home");
	f->run = fs_path_join(f->top, "run");
	assert_int_equal(mkdir(f->home, 0755), 0);
	assert_int_equal(mkdir(f->run, 0700), 0);
	setenv("VMDESK_HOME", f->home, 1);
	setenv("XDG_RUNTIME_DIR", f->run, 1);
	if ((f->lib = library_open(&cause)) == NULL)
		fail_msg("%s", cause);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	library_free(f->lib);
	fs_rm_rf(f->top, &cause);
	free(f->home);
	free(f->run);
	free(f);
	return (0);
}

/* A file or folder under the fixture's top. Caller frees. */
static char *
under(struct fixture *f, const char *rel)
{
	return (fs_path_join(f->top, rel));
}

static void
make_dir(struct fixture *f, const char *rel)
{
	char	*p = under(f, rel), *cause = NULL;

	if (fs_mkdir_p(p, 0755, &cause) != 0)
		fail_msg("%s", cause);
	free(p);
}

static void
write_file(const char *path, const char *text)
{
	char	*cause = NULL;

	if (fs_write_atomic(path, text, strlen(text), 0644, &cause) != 0)
		fail_msg("%s", cause);
}

/* A VM named name with vm.conf text conf (its [vm] section added). */
static void
make_vm(struct fixture *f, const char *name, const char *conf)
{
	char	*dir, *path, *text;

	dir = library_vm_dir(f->lib, name);
	make_dir(f, dir + strlen(f->top) + 1);
	path = fs_path_join(dir, "vm.conf");
	text = xasprintf("[vm]\nname = %s\n%s", name, conf);
	write_file(path, text);
	free(text);
	free(path);
	free(dir);
}

/* Fail unless checking dir is refused with words in the cause. */
static void
refused(struct fixture *f, const char *dir, const char *words)
{
	char	*real = NULL, *cause = NULL;

	if (sharepath_check(f->lib, dir, &real, &cause) == 0)
		fail_msg("%s was accepted as %s", dir, real);
	if (strstr(cause, words) == NULL)
		fail_msg("%s: '%s' lacks '%s'", dir, cause, words);
	free(cause);
}

static void
test_hwshare_accepts_a_folder(void **state)
{
	struct fixture	*f = *state;
	char		*dir, *link, *real = NULL, *cause = NULL;

	make_dir(f, "data/sub");
	dir = under(f, "data/sub");
	link = under(f, "link");
	assert_int_equal(symlink(dir, link), 0);
	if (sharepath_check(f->lib, link, &real, &cause) != 0)
		fail_msg("%s", cause);
	/* Resolved once: the link's target is what is shared. */
	assert_string_equal(real, dir);
	free(real);
	free(link);
	free(dir);
}

static void
test_hwshare_refuses_missing_and_files(void **state)
{
	struct fixture	*f = *state;
	char		*p;

	p = under(f, "nothing");
	refused(f, p, "No such file");
	free(p);
	p = under(f, "file");
	write_file(p, "x");
	refused(f, p, "is not a folder");
	free(p);
}

/* Root reads every folder: only an ordinary user can see this refusal. */
static void
test_hwshare_refuses_unreadable(void **state)
{
	struct fixture	*f = *state;
	char		*p;

	if (geteuid() == 0)
		skip();
	make_dir(f, "closed");
	p = under(f, "closed");
	assert_int_equal(chmod(p, 0), 0);
	refused(f, p, "not readable");
	assert_int_equal(chmod(p, 0755), 0);
	free(p);
}

static void
test_hwshare_refuses_the_library(void **state)
{
	struct fixture	*f = *state;
	char		*p;

	refused(f, f->home, "is vmdesk's library");
	make_dir(f, "home/inside");
	p = under(f, "home/inside");
	refused(f, p, "lies in vmdesk's library");
	free(p);
	/* The folder holding the library, and the root of everything. */
	refused(f, f->top, "holds vmdesk's library");
	refused(f, "/", "holds vmdesk's library");
}

static void
test_hwshare_refuses_the_runtime(void **state)
{
	struct fixture	*f = *state;
	char		*p;

	refused(f, f->lib->runtime, "is vmdesk's runtime folder");
	refused(f, f->run, "holds vmdesk's runtime folder");
	p = fs_path_join(f->lib->runtime, "vm1");
	assert_int_equal(mkdir(p, 0700), 0);
	refused(f, p, "lies in vmdesk's runtime folder");
	free(p);
}

/* An image cache elsewhere (a symbolic link from the library). */
static void
test_hwshare_refuses_the_image_cache(void **state)
{
	struct fixture	*f = *state;
	char		*cache, *cause = NULL;

	make_dir(f, "cache");
	cache = under(f, "cache");
	assert_int_equal(fs_rm_rf(f->lib->images, &cause), 0);
	assert_int_equal(symlink(cache, f->lib->images), 0);
	refused(f, cache, "is vmdesk's image cache");
	free(cache);
}

static void
test_hwshare_refuses_vm_folders_and_disks(void **state)
{
	struct fixture	*f = *state;
	char		*p, *conf;

	make_dir(f, "disks/deep");
	p = under(f, "disks/deep/outside.qcow2");
	write_file(p, "x");
	conf = xasprintf("[disk root]\nfile = %s\n", p);
	make_vm(f, "vm1", conf);
	free(conf);
	free(p);
	p = library_vm_dir(f->lib, "vm1");
	refused(f, p, "lies in vmdesk's library");
	free(p);
	/* A disk of a VM kept outside the library. */
	p = under(f, "disks");
	refused(f, p, "holds disk root of VM vm1");
	free(p);
	p = under(f, "disks/deep");
	refused(f, p, "holds disk root of VM vm1");
	free(p);
}

static void
test_hwshare_add_writes_the_share(void **state)
{
	struct fixture		*f = *state;
	struct hwshare_add	 add;
	struct vm_def		*def;
	enum vmctl_when		 when;
	char			*dir, *name = NULL, *cause = NULL;

	make_vm(f, "vm1", "");
	make_dir(f, "src");
	dir = under(f, "src");
	memset(&add, 0, sizeof add);
	add.dir = dir;
	add.readonly = 1;
	if (hwshare_add(f->lib, "vm1", &add, &name, &when, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(name, "src");
	assert_int_equal(when, VMCTL_WHEN_NOW);
	free(name);
	/* A second share of the same name is refused; --tag names it. */
	assert_int_equal(hwshare_add(f->lib, "vm1", &add, &name, &when,
	    &cause), -1);
	assert_non_null(strstr(cause, "already has a share named src"));
	free(cause);
	add.tag = "other";
	add.mode = VM_SHARE_9P;
	if (hwshare_add(f->lib, "vm1", &add, &name, &when, &cause) != 0)
		fail_msg("%s", cause);
	free(name);
	def = library_load(f->lib, "vm1", &cause);
	assert_non_null(def);
	assert_int_equal(def->nshares, 2);
	assert_string_equal(def->shares[0].path, dir);
	assert_true(def->shares[0].readonly);
	assert_string_equal(vmdef_share_tag(&def->shares[1]), "other");
	assert_int_equal(def->shares[1].mode, VM_SHARE_9P);
	vmdef_free(def);
	assert_int_equal(hwshare_remove(f->lib, "vm1", "other", &when,
	    &cause), 0);
	assert_int_equal(hwshare_remove(f->lib, "vm1", "other", &when,
	    &cause), -1);
	assert_non_null(strstr(cause, "has no share other"));
	free(cause);
	free(dir);
}

/* A cloud-init guest gets its shares' mounts in its seed, and loses them. */
static void
test_hwshare_seed_mounts(void **state)
{
	struct fixture		*f = *state;
	struct hwshare_add	 add;
	struct cloudinit	 ci;
	enum vmctl_when		 when;
	char			*dir, *seed, *vmdir, *user, *name = NULL;
	char			*cause = NULL;

	make_vm(f, "ci", "[disk seed]\nfile = seed.iso\nformat = raw\n");
	vmdir = library_vm_dir(f->lib, "ci");
	seed = fs_path_join(vmdir, "seed.iso");
	memset(&ci, 0, sizeof ci);
	ci.instance_id = "i-1";
	ci.hostname = "ci";
	ci.user = "bob";
	if (cloudinit_write_seed(seed, &ci, &cause) != 0)
		fail_msg("%s", cause);
	make_dir(f, "src");
	dir = under(f, "src");
	memset(&add, 0, sizeof add);
	add.dir = dir;
	if (hwshare_add(f->lib, "ci", &add, &name, &when, &cause) != 0)
		fail_msg("%s", cause);
	free(name);
	user = cloudinit_read_member(seed, "user-data", &cause);
	assert_non_null(strstr(user, "bootcmd:\n  - \"(mkdir -p /mnt/src && "
	    "mount -t virtiofs src /mnt/src) || (mkdir -p /mnt/src && mount "
	    "-t 9p -o trans=virtio,version=9p2000.L src /mnt/src)\"\n"));
	free(user);
	assert_int_equal(hwshare_remove(f->lib, "ci", "src", &when, &cause),
	    0);
	user = cloudinit_read_member(seed, "user-data", &cause);
	assert_null(strstr(user, "bootcmd"));
	assert_non_null(strstr(user, "  - name: bob\n"));
	free(user);
	free(seed);
	free(vmdir);
	free(dir);
}

/* The mode a share gets from what virtiofsd can do here. */
static void
test_hwshare_mode_follows_virtiofsd(void **state)
{
	struct virtiofsd_probe	 pr;
	struct vm_share		 s;
	char			*why = NULL, *mount;

	(void)state;
	memset(&pr, 0, sizeof pr);
	memset(&s, 0, sizeof s);
	s.name = (char *)"src";
	pr.why = (char *)"virtiofsd is not installed";
	assert_int_equal(virtiofsd_share_mode(&pr, &s, &why), VM_SHARE_9P);
	assert_string_equal(why, "virtiofsd is not installed");
	free(why);
	why = NULL;
	s.mode = VM_SHARE_VIRTIOFS;
	assert_int_equal(virtiofsd_share_mode(&pr, &s, &why), -1);
	free(why);
	why = NULL;
	pr.path = (char *)"/usr/lib/qemu/virtiofsd";
	pr.usable = 1;
	pr.why = NULL;
	s.mode = VM_SHARE_AUTO;
	assert_int_equal(virtiofsd_share_mode(&pr, &s, &why),
	    VM_SHARE_VIRTIOFS);
	assert_null(why);
	/* No read-only mode in this virtiofsd: 9p enforces it instead. */
	s.readonly = 1;
	assert_int_equal(virtiofsd_share_mode(&pr, &s, &why), VM_SHARE_9P);
	assert_non_null(strstr(why, "read-only"));
	free(why);
	mount = hwshare_mount_command(&s, VM_SHARE_9P);
	assert_string_equal(mount, "mkdir -p /mnt/src && mount -t 9p -o "
	    "trans=virtio,version=9p2000.L,ro src /mnt/src");
	free(mount);
}

static void
test_hwshare_port_owner(void **state)
{
	struct fixture	*f = *state;
	enum vmctl_when	 when;
	char		*owner, *nic = NULL, *cause = NULL;

	make_vm(f, "a", "[nic n0]\nmac = 52:54:00:00:00:01\n"
	    "forward = tcp:40022:22\n");
	make_vm(f, "b", "[nic n0]\nmac = 52:54:00:00:00:02\n");
	owner = hwfwd_port_owner(f->lib, "b", 40022, 0);
	assert_non_null(owner);
	assert_string_equal(owner, "a");
	free(owner);
	assert_null(hwfwd_port_owner(f->lib, "b", 40022, 1));
	assert_null(hwfwd_port_owner(f->lib, "a", 40022, 0));
	assert_int_equal(hwfwd_add(f->lib, "b", "tcp:40022:80", NULL, &nic,
	    &when, &cause), -1);
	assert_non_null(strstr(cause, "forwarded by VM a"));
	free(cause);
	assert_int_equal(hwfwd_add(f->lib, "b", "udp:40022:53", NULL, &nic,
	    &when, &cause), 0);
	assert_string_equal(nic, "n0");
	free(nic);
	/* Only a user-mode NIC forwards: the first such, or refused. */
	make_vm(f, "c", "[nic n0]\nmac = 52:54:00:00:00:03\n"
	    "net = private:lab\n[nic n1]\nmac = 52:54:00:00:00:04\n");
	assert_int_equal(hwfwd_add(f->lib, "c", "tcp:40023:80", NULL, &nic,
	    &when, &cause), 0);
	assert_string_equal(nic, "n1");
	free(nic);
	assert_int_equal(hwfwd_add(f->lib, "c", "tcp:40024:80", "n0", &nic,
	    &when, &cause), -1);
	assert_non_null(strstr(cause, "NIC n0: port forwards need a NIC "
	    "with net = user"));
	free(cause);
	assert_int_equal(hwfwd_remove(f->lib, "b", "udp:40022", NULL, &when,
	    &cause), 0);
	assert_int_equal(hwfwd_remove(f->lib, "b", "udp:40022", NULL, &when,
	    &cause), -1);
	assert_non_null(strstr(cause, "forwards no udp port 40022"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hwshare_accepts_a_folder,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hwshare_refuses_missing_and_files, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hwshare_refuses_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hwshare_refuses_the_library, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hwshare_refuses_the_runtime, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hwshare_refuses_the_image_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hwshare_refuses_vm_folders_and_disks, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hwshare_add_writes_the_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hwshare_seed_mounts,
		    setup, teardown),
		cmocka_unit_test(test_hwshare_mode_follows_virtiofsd),
		cmocka_unit_test_setup_teardown(test_hwshare_port_owner,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
