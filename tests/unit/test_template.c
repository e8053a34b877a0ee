/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for images/template: every key, every error with its
 * file:line, the http/sha256 rule, folders in order (the user's wins),
 * the shipped catalogue, and the definition each boot method gives.
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

#include "images/cloudinit.h"
#include "images/template.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define SHA	"0123456789abcdef0123456789abcdef" \
		"0123456789ABCDEF0123456789ABCDEF"
#define SHA_LOW	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"

struct fixture {
	char	dir[64];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);

	strcpy(f->dir, "/tmp/test_template.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	if (fs_rm_rf(f->dir, &cause) != 0)
		free(cause);
	free(f);
	return (0);
}

/* Write text as dir/sub/file, making dir/sub. Caller frees the path. */
static char *
put(const char *dir, const char *sub, const char *file, const char *text)
{
	char	*d, *path, *cause = NULL;

	d = sub != NULL ? fs_path_join(dir, sub) : xstrdup(dir);
	if (fs_mkdir_p(d, 0755, &cause) != 0)
		fail_msg("%s", cause);
	path = fs_path_join(d, file);
	free(d);
	if (fs_write_atomic(path, text, strlen(text), 0644, &cause) != 0)
		fail_msg("%s", cause);
	return (path);
}

static struct template *
load_ok(const char *dir, const char *text)
{
	struct template	*t;
	char		*path, *cause = NULL;

	path = put(dir, NULL, "t.conf", text);
	t = template_load(path, &cause);
	if (t == NULL)
		fail_msg("%s", cause);
	free(path);
	return (t);
}

static void
test_template_every_key(void **state)
{
	struct fixture	*f = *state;
	struct template	*t;

	t = load_ok(f->dir,
	    "# a comment\n"
	    "[template]\n"
	    "name = every-key\n"
	    "os = Some OS\n"
	    "version = 1.2\n"
	    "description = All of it\n"
	    "homepage = https://example.org/\n"
	    "notes = Read me\n"
	    "arch = x86_64\n"
	    "machine = pc\n"
	    "firmware = uefi\n"
	    "display = virtio\n"
	    "cpus = 3\n"
	    "memory = 1536M\n"
	    "disk_size = 30G\n"
	    "bus = sata\n"
	    "model = e1000\n"
	    "boot = image\n"
	    "url = https://example.org/img/disk.vmdk.xz\n"
	    "sha256 = " SHA "\n"
	    "checksum_url = https://example.org/img/SHA256SUMS\n"
	    "checksum_name = disk.vmdk.xz\n"
	    "format = vmdk\n"
	    "member = *.vmdk\n"
	    "cloud_init = yes\n"
	    "user = admin_1\n"
	    "tpm = on\n"
	    "drivers_url = https://example.org/drivers.iso\n");
	assert_string_equal(t->name, "every-key");
	assert_string_equal(t->os, "Some OS");
	assert_string_equal(t->version, "1.2");
	assert_string_equal(t->description, "All of it");
	assert_string_equal(t->homepage, "https://example.org/");
	assert_string_equal(t->notes, "Read me");
	assert_string_equal(t->arch, "x86_64");
	assert_int_equal(t->machine, VM_MACHINE_PC);
	assert_int_equal(t->firmware, VM_FIRMWARE_UEFI);
	assert_int_equal(t->display, VM_DISPLAY_VIRTIO);
	assert_int_equal(t->cpus, 3);
	assert_int_equal(t->memory, 1536ULL << 20);
	assert_int_equal(t->disk_size, 30ULL << 30);
	assert_int_equal(t->bus, VM_BUS_SATA);
	assert_int_equal(t->model, VM_NIC_E1000);
	assert_int_equal(t->boot, TEMPLATE_BOOT_IMAGE);
	assert_string_equal(t->src[0].url,
	    "https://example.org/img/disk.vmdk.xz");
	/* Kept in lower case, as sha256sum prints it. */
	assert_string_equal(t->src[0].sha256, SHA_LOW);
	assert_string_equal(t->src[0].checksum_url,
	    "https://example.org/img/SHA256SUMS");
	assert_string_equal(t->src[0].checksum_name, "disk.vmdk.xz");
	assert_int_equal(t->format, TEMPLATE_FORMAT_VMDK);
	assert_string_equal(t->src[0].member, "*.vmdk");
	assert_int_equal(t->cloud_init, 1);
	assert_string_equal(t->user, "admin_1");
	assert_int_equal(t->tpm, 1);
	assert_string_equal(t->drivers_url, "https://example.org/drivers.iso");
	assert_string_equal(template_boot_name(t->boot), "image");
	assert_string_equal(template_format_name(t->format), "vmdk");
	assert_string_equal(template_disk_file(t), "disk.qcow2");
	template_free(t);
}

static void
test_template_defaults(void **state)
{
	struct fixture	*f = *state;
	struct template	*t;

	t = load_ok(f->dir, "[template]\nname = bare\n");
	assert_string_equal(t->arch, "x86_64");
	assert_int_equal(t->machine, VM_MACHINE_Q35);
	assert_int_equal(t->firmware, VM_FIRMWARE_BIOS);
	assert_int_equal(t->cpus, 1);
	assert_int_equal(t->memory, 512ULL << 20);
	assert_int_equal(t->disk_size, 8ULL << 30);
	assert_int_equal(t->boot, TEMPLATE_BOOT_DISK);
	assert_null(t->src[0].url);
	assert_null(t->version);
	assert_null(t->user);
	assert_int_equal(t->cloud_init, 0);
	assert_int_equal(t->tpm, 0);
	assert_string_equal(template_disk_file(t), "data.qcow2");
	template_free(t);

	/* boot = iso means format iso; with no url: bring your own. */
	t = load_ok(f->dir, "[template]\nname = byo\nboot = iso\n");
	assert_int_equal(t->boot, TEMPLATE_BOOT_ISO);
	assert_int_equal(t->format, TEMPLATE_FORMAT_ISO);
	assert_null(t->src[0].url);
	template_free(t);
	t = load_ok(f->dir, "[template]\nname = cd\nboot = iso\n"
	    "url = https://example.org/cd.iso\n"
	    "checksum_url = https://example.org/SUMS\n");
	assert_int_equal(t->format, TEMPLATE_FORMAT_ISO);
	template_free(t);
}

/* A url over plain http only with a pinned sha256. */
static void
test_template_http_needs_sha256(void **state)
{
	struct fixture	*f = *state;
	struct template	*t;
	char		*path, *cause = NULL;

	t = load_ok(f->dir, "[template]\nname = h\nboot = image\n"
	    "url = http://mirror.example/disk.qcow2\nsha256 = " SHA "\n");
	assert_string_equal(t->src[0].url, "http://mirror.example/disk.qcow2");
	template_free(t);

	path = put(f->dir, NULL, "h.conf", "[template]\nname = h\n"
	    "boot = image\nurl = http://mirror.example/disk.qcow2\n"
	    "checksum_url = https://example.org/SUMS\n");
	assert_null(template_load(path, &cause));
	if (!str_has_suffix(cause, "h.conf:4: a plain http:// url is allowed "
	    "only with a pinned sha256"))
		fail_msg("got '%s'", cause);
	free(cause);
	free(path);
}

static const struct {
	const char	*text;
	const char	*cause;		/* after "DIR/e.conf" */
} errors[] = {
	{ "[template]\nname = x\nbogus = 1\n", ":3: unknown key 'bogus'" },
	{ "[template]\nname = x\n[vm]\nos = y\n", ":3: unknown section [vm]" },
	{ "[template more]\nname = x\n", ":1: unknown section "
	  "[template more]" },
	{ "[template]\nos = y\n", ": [template] has no name" },
	{ "[template]\nname = ../x\n", ":2: " },
	{ "[template]\nname = x\ncpus = 0\n", ":3: cpus: 0 is out of range "
	  "(1 to 64)" },
	{ "[template]\nname = x\nmemory = lots\n", ":3: memory: 'lots' is "
	  "not a size (examples: 512M, 2G)" },
	{ "[template]\nname = x\nmemory = 8M\n", ":3: memory must be "
	  "between 16M and 1T" },
	{ "[template]\nname = x\nmachine = vax\n", ":3: machine: 'vax' is "
	  "not q35, pc, microvm or virt" },
	{ "[template]\nname = x\nboot = floppy\n", ":3: boot: 'floppy' is "
	  "not tinylinux, disk, image or iso" },
	{ "[template]\nname = x\nboot = image\nurl = https://e.org/a\n"
	  "sha256 = " SHA "\nformat = zip\n", ":6: format: 'zip' is not "
	  "qcow2, raw, vmdk, vhd or iso" },
	{ "[template]\nname = x\ntpm = maybe\n", ":3: tpm: 'maybe' is not "
	  "yes or no" },
	{ "[template]\nname = x\ncloud_init = 2\n", ":3: cloud_init: '2' is "
	  "not yes or no" },
	{ "[template]\nname = x\nboot = image\nurl = ftp://e.org/a\n",
	  ":4: url: 'ftp://e.org/a' is not an http:// or https:// URL" },
	{ "[template]\nname = x\nboot = image\nurl = https:///a\n",
	  ":4: url: 'https:///a' is not a valid URL" },
	{ "[template]\nname = x\nhomepage = https://e.org/a b\n",
	  ":3: homepage: 'https://e.org/a b' is not a valid URL" },
	{ "[template]\nname = x\nsha256 = abc\n", ":3: sha256: 'abc' is not "
	  "64 hexadecimal digits" },
	{ "[template]\nname = x\nsha256 = " SHA "\n", ":3: sha256 without "
	  "a url" },
	{ "[template]\nname = x\nuser = Root\n", ":3: user: 'Root' is not a "
	  "login name" },
	{ "[template]\nname = x\nboot = image\nurl = https://e.org/a\n"
	  "checksum_url = https://e.org/S\nchecksum_name = a/b\n",
	  ":6: checksum_name: 'a/b' is not a file name" },
	{ "[template]\nname = x\nboot = image\n", ":3: boot = image needs a "
	  "url (the disk image to fetch)" },
	{ "[template]\nname = x\nurl = https://e.org/a\nsha256 = " SHA "\n",
	  ":3: a url needs boot = image, iso or tinylinux" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n",
	  ":4: a url needs a sha256 or a checksum_url to verify it" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "checksum_url = http://e.org/S\n", ":5: checksum_url must be "
	  "https:// (it vouches for the image)" },
	{ "[template]\nname = x\nboot = iso\n"
	  "drivers_url = http://e.org/d.iso\n", ":4: drivers_url must be "
	  "https://" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\nchecksum_name = a.iso\n", ":6: checksum_name "
	  "without a checksum_url" },
	{ "[template]\nname = x\nboot = iso\nmember = *.iso\n", ":4: member "
	  "without a url" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\nformat = qcow2\n", ":6: boot = iso needs "
	  "format = iso" },
	{ "[template]\nname = x\nboot = image\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\nformat = iso\n", ":6: boot = image needs a "
	  "disk image, not format = iso" },
	{ "[template]\nname = x\ncloud_init = yes\n", ":3: cloud_init needs "
	  "boot = image, iso or tinylinux" },
	{ "[template]\nname = x\nmachine = microvm\n", ":3: a microvm boots "
	  "a kernel directly: only with boot = tinylinux" },
	{ "[template]\nname = x\nboot = tinylinux\nmachine = microvm\n"
	  "tpm = yes\n", ":5: a microvm has no TPM or UEFI firmware" },
	{ "[template]\nname = x\nmachine = pc\nfirmware = uefi-secure\n",
	  ":4: firmware = uefi-secure needs machine = q35" },
	/* Architectures and their sources. */
	{ "[template]\nname = x\narch = mips\n", ":3: arch: " },
	{ "[template]\nname = x\narch = x86_64 x86_64\n", ":3: arch: "
	  "'x86_64' is named twice" },
	{ "[template]\nname = x\narch = \n", ":3: arch: names no "
	  "architecture" },
	{ "[template]\nname = x\nboot = iso\n"
	  "url.aarch64 = https://e.org/a.iso\n", ":4: url.aarch64: 'aarch64' "
	  "is not an arch of this template after the first (arch = x86_64)" },
	{ "[template]\nname = x\narch = x86_64 aarch64\nos.aarch64 = y\n",
	  ":4: unknown key 'os.aarch64'" },
	{ "[template]\nname = x\narch = x86_64 aarch64\nboot = iso\n"
	  "url = https://e.org/a.iso\nsha256 = " SHA "\n", ":5: aarch64: "
	  "every arch needs its own url (url.ARCH)" },
	{ "[template]\nname = x\narch = x86_64 aarch64\nboot = iso\n"
	  "url = https://e.org/a.iso\nsha256 = " SHA "\n"
	  "url.aarch64 = https://e.org/b.iso\n", ":7: aarch64: a url needs a "
	  "sha256 or a checksum_url to verify it" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\nindex = https://e.org/\n", ":6: an index needs "
	  "an index_format" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\nindex = https://e.org/\nindex_format = sums\n",
	  ":6: an index needs a pattern" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\nindex = https://e.org/\nindex_format = html\n"
	  "pattern = a-*.iso\n", ":6: an index of this format needs a "
	  "checksum_url" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\nindex = http://e.org/\nindex_format = sums\n"
	  "pattern = a-*.iso\n", ":6: index must be https://" },
	{ "[template]\nname = x\nboot = iso\nurl = https://e.org/a.iso\n"
	  "sha256 = " SHA "\npattern = a-*.iso\n", ":6: index_format and "
	  "pattern need an index" },
	{ "[template]\nname = x\nindex_format = xml\n", ":3: index_format: "
	  "'xml' is not" },
	{ "[template]\nname = x\npattern = a/b*.iso\n", ":3: pattern: "
	  "'a/b*.iso' is not a file name" },
	{ "[template]\nname = x\nfile_host = a b\n", ":3: file_host: "
	  "'a b' is not a host name" },
};

static void
test_template_errors(void **state)
{
	struct fixture	*f = *state;
	struct template	*t;
	char		*path, *want, *cause;
	size_t		 i;

	path = fs_path_join(f->dir, "e.conf");
	for (i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		free(put(f->dir, NULL, "e.conf", errors[i].text));
		cause = NULL;
		t = template_load(path, &cause);
		if (t != NULL)
			fail_msg("case %zu loaded: %s", i, errors[i].text);
		want = xasprintf("%s%s", path, errors[i].cause);
		if (strncmp(cause, want, strlen(want)) != 0)
			fail_msg("case %zu: got '%s', wanted '%s'", i, cause,
			    want);
		free(want);
		free(cause);
	}
	free(path);
}

/* One source per arch: the first's keys unsuffixed, the others inherit. */
static void
test_template_archs(void **state)
{
	struct fixture		*f = *state;
	struct template		*t;
	struct template_source	 s;
	char			*archs;

	t = load_ok(f->dir, "[template]\nname = multi\n"
	    "arch = aarch64 x86_64 riscv64\nboot = image\n"
	    "url = https://e.org/d/a-arm64.img\n"
	    "checksum_url = https://e.org/d/SHA256SUMS\n"
	    "index = https://e.org/d/SHA256SUMS\nindex_format = sums\n"
	    "pattern = a-*-arm64.img\n"
	    "url.x86_64 = https://e.org/d/a-amd64.img\n"
	    "pattern.x86_64 = a-*-amd64.img\n"
	    "url.riscv64 = https://e.org/r/a-riscv64.img\n"
	    "sha256.riscv64 = " SHA "\n"
	    "pattern.riscv64 = a-*-riscv64.img\n");
	assert_string_equal(t->arch, "aarch64");
	assert_int_equal(t->narchs, 3);
	archs = template_archs(t);
	assert_string_equal(archs, "aarch64 x86_64 riscv64");
	free(archs);
	assert_int_equal(template_source(t, NULL, &s), 0);
	assert_string_equal(s.arch, "aarch64");
	assert_int_equal(template_source(t, "x86_64", &s), 0);
	assert_string_equal(s.url, "https://e.org/d/a-amd64.img");
	assert_string_equal(s.pattern, "a-*-amd64.img");
	assert_string_equal(s.checksum_url, "https://e.org/d/SHA256SUMS");
	assert_string_equal(s.index, "https://e.org/d/SHA256SUMS");
	assert_int_equal(s.index_format, TEMPLATE_INDEX_SUMS);
	assert_null(s.sha256);
	assert_int_equal(template_source(t, "riscv64", &s), 0);
	assert_string_equal(s.sha256, SHA_LOW);
	assert_string_equal(s.url, "https://e.org/r/a-riscv64.img");
	assert_int_equal(template_source(t, "mips", &s), -1);
	template_free(t);
}

/* The user's folder comes first: its template of a shipped name wins. */
static void
test_template_user_overrides_shipped(void **state)
{
	struct fixture	 *f = *state;
	struct template	**list, *t;
	struct strv	  dirs;
	char		 *user, *shipped, *cause = NULL;
	size_t		  n;

	free(put(f->dir, "shipped", "alpine.conf", "[template]\n"
	    "name = alpine\nos = Shipped Alpine\nboot = iso\n"
	    "url = https://e.org/alpine.iso\nsha256 = " SHA "\n"));
	free(put(f->dir, "shipped", "debian.conf", "[template]\n"
	    "name = debian\nos = Shipped Debian\n"));
	free(put(f->dir, "user", "alpine.conf", "[template]\n"
	    "name = alpine\nos = My Alpine\ncpus = 4\n"));
	free(put(f->dir, "user", "notes.txt", "not a template\n"));
	user = fs_path_join(f->dir, "user");
	shipped = fs_path_join(f->dir, "shipped");
	strv_init(&dirs);
	strv_push(&dirs, user);
	strv_push(&dirs, shipped);

	t = template_find(&dirs, "alpine", &cause);
	if (t == NULL)
		fail_msg("%s", cause);
	assert_string_equal(t->os, "My Alpine");
	assert_int_equal(t->cpus, 4);
	assert_null(t->src[0].url);
	template_free(t);
	t = template_find(&dirs, "debian", &cause);
	if (t == NULL)
		fail_msg("%s", cause);
	assert_string_equal(t->os, "Shipped Debian");
	template_free(t);
	assert_null(template_find(&dirs, "plan9", &cause));
	assert_string_equal(cause, "no template named 'plan9' (vmdesk "
	    "templates lists them)");
	free(cause);

	if (template_list(&dirs, &list, &n, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(n, 2);
	assert_string_equal(list[0]->name, "alpine");
	assert_string_equal(list[0]->os, "My Alpine");
	assert_string_equal(list[1]->name, "debian");
	template_list_free(list, n);

	/* One broken file in a folder names itself and its line. */
	free(put(f->dir, "user", "zz.conf", "[template]\nname = zz\n"
	    "boot = image\n"));
	assert_int_equal(template_list(&dirs, &list, &n, &cause), -1);
	assert_non_null(strstr(cause, "/user/zz.conf:3: boot = image needs "
	    "a url"));
	free(cause);
	strv_clear(&dirs);
	free(user);
	free(shipped);
}

static struct vm_def *
to_vmdef(const char *dir, const char *text, const struct template_opts *opt)
{
	struct template		*t;
	struct tinylinux	 tl;
	struct vm_def		*def;

	tl.kernel = (char *)"/k/vmlinuz";
	tl.initrd = (char *)"/k/initrd.img";
	t = load_ok(dir, text);
	def = template_to_vmdef(t, "vm1", opt, &tl);
	template_free(t);
	return (def);
}

static void
test_template_to_vmdef_image(void **state)
{
	struct fixture		*f = *state;
	struct template_opts	 opt;
	struct vm_def		*def;

	memset(&opt, 0, sizeof opt);
	opt.memory = 3ULL << 30;
	def = to_vmdef(f->dir, "[template]\nname = cloud\nos = Cloud\n"
	    "boot = image\nurl = https://e.org/c.qcow2\nsha256 = " SHA "\n"
	    "cloud_init = yes\nuser = ubuntu\nbus = virtio\ncpus = 2\n", &opt);
	assert_string_equal(def->template, "cloud");
	assert_string_equal(def->os, "Cloud");
	assert_string_equal(def->user, "ubuntu");
	assert_int_equal(def->tpm, 0);
	assert_int_equal(def->cpus, 2);
	assert_int_equal(def->memory, 3ULL << 30);
	assert_int_equal(def->ndisks, 2);
	assert_string_equal(def->disks[0].file, "disk.qcow2");
	assert_int_equal(def->disks[0].format, VM_FORMAT_QCOW2);
	assert_int_equal(def->disks[0].readonly, 0);
	assert_string_equal(def->disks[1].name, "seed");
	assert_string_equal(def->disks[1].file, CLOUDINIT_SEED);
	assert_int_equal(def->disks[1].bus, VM_BUS_VIRTIO);
	assert_int_equal(def->disks[1].format, VM_FORMAT_RAW);
	assert_int_equal(def->disks[1].readonly, 1);
	assert_string_equal(def->boot.order, "c");
	assert_null(def->boot.iso);
	assert_null(def->boot.kernel);
	vmdef_free(def);
}

static void
test_template_to_vmdef_iso(void **state)
{
	struct fixture		*f = *state;
	struct template_opts	 opt;
	struct vm_def		*def;
	const char		*win = "[template]\nname = win\nboot = iso\n"
				    "firmware = uefi\ntpm = yes\nbus = sata\n"
				    "model = e1000\n";

	memset(&opt, 0, sizeof opt);
	opt.iso = "/isos/Win11_English_x64.iso";
	def = to_vmdef(f->dir, win, &opt);
	assert_int_equal(def->tpm, 1);
	assert_int_equal(def->firmware, VM_FIRMWARE_UEFI);
	assert_int_equal(def->ndisks, 1);
	assert_string_equal(def->disks[0].file, "data.qcow2");
	assert_int_equal(def->disks[0].bus, VM_BUS_SATA);
	assert_int_equal(def->nics[0].model, VM_NIC_E1000);
	assert_string_equal(def->boot.iso, "/isos/Win11_English_x64.iso");
	assert_string_equal(def->boot.order, "cd");
	assert_null(def->user);
	vmdef_free(def);

	/* Without an installer yet, the definition names none. */
	memset(&opt, 0, sizeof opt);
	def = to_vmdef(f->dir, win, &opt);
	assert_null(def->boot.iso);
	vmdef_free(def);
}

/* tinylinux and blank-disk templates give what they always gave. */
static void
test_template_to_vmdef_unchanged(void **state)
{
	struct fixture		*f = *state;
	struct template_opts	 opt;
	struct vm_forward	 fw = { 0, 2222, 22 };
	struct vm_def		*def;

	memset(&opt, 0, sizeof opt);
	opt.forwards = &fw;
	opt.nforwards = 1;
	def = to_vmdef(f->dir, "[template]\nname = tiny\nboot = tinylinux\n",
	    &opt);
	assert_string_equal(def->boot.kernel, "/k/vmlinuz");
	assert_string_equal(def->boot.initrd, "/k/initrd.img");
	assert_string_equal(def->boot.cmdline,
	    "quiet console=tty0 console=ttyS0");
	assert_null(def->boot.order);
	assert_int_equal(def->ndisks, 1);
	assert_string_equal(def->disks[0].name, "data");
	assert_string_equal(def->disks[0].file, "data.qcow2");
	assert_int_equal(def->nics[0].nforwards, 1);
	assert_int_equal(def->nics[0].forwards[0].guest_port, 22);
	vmdef_free(def);

	def = to_vmdef(f->dir, "[template]\nname = blank\n", &opt);
	assert_null(def->boot.kernel);
	assert_string_equal(def->boot.order, "c");
	assert_string_equal(def->disks[0].file, "data.qcow2");
	vmdef_free(def);
}

/* A template of several architectures: the first, or the one asked. */
static void
test_template_to_vmdef_arch(void **state)
{
	struct fixture		*f = *state;
	struct template_opts	 opt;
	struct vm_def		*def;
	const char		*text = "[template]\nname = tiny\n"
	    "boot = tinylinux\nmachine = q35\ndisplay = vga\n"
	    "arch = x86_64 aarch64\n";

	memset(&opt, 0, sizeof opt);
	def = to_vmdef(f->dir, text, &opt);
	assert_string_equal(def->arch, "x86_64");
	assert_int_equal(def->machine, VM_MACHINE_Q35);
	vmdef_free(def);
	opt.arch = "aarch64";
	def = to_vmdef(f->dir, text, &opt);
	assert_string_equal(def->arch, "aarch64");
	assert_int_equal(def->machine, VM_MACHINE_VIRT);
	assert_int_equal(def->firmware, VM_FIRMWARE_UEFI);
	assert_int_equal(def->display, VM_DISPLAY_VIRTIO);
	assert_string_equal(def->boot.cmdline,
	    "quiet console=tty0 console=ttyAMA0");
	vmdef_free(def);
}

/* Every shipped template loads and says where its system comes from. */
static void
test_template_shipped(void **state)
{
	struct template	**list, *t;
	struct strv	  dirs;
	const char	 *tdir = getenv("VMDESK_TEMPLATES_DIR");
	char		 *cause = NULL, *host;
	size_t		  i, n, image = 0, iso = 0, byo = 0;

	(void)state;
	assert_non_null(tdir);
	strv_init(&dirs);
	strv_push(&dirs, tdir);
	if (template_list(&dirs, &list, &n, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(n >= 16);
	for (i = 0; i < n; i++) {
		t = list[i];
		assert_non_null(t->os);
		assert_non_null(t->description);
		if (t->boot == TEMPLATE_BOOT_TINYLINUX)
			continue;
		assert_non_null(t->version);
		assert_non_null(t->homepage);
		if (t->src[0].url == NULL) {
			assert_int_equal(t->boot, TEMPLATE_BOOT_ISO);
			byo++;
			continue;
		}
		assert_true(str_has_prefix(t->src[0].url, "https://"));
		assert_true(t->src[0].sha256 != NULL ||
		    t->src[0].checksum_url != NULL);
		host = template_url_host(t->src[0].url);
		assert_true(strlen(host) > 3 && strchr(host, '/') == NULL);
		free(host);
		if (t->boot == TEMPLATE_BOOT_IMAGE)
			image++;
		else
			iso++;
	}
	assert_true(image >= 8);
	assert_true(iso >= 5);
	assert_int_equal(byo, 2);
	template_list_free(list, n);
	strv_clear(&dirs);
}

static void
test_template_url_host(void **state)
{
	char	*h;

	(void)state;
	h = template_url_host("https://cdn.openbsd.org/pub/OpenBSD/7.7/");
	assert_string_equal(h, "cdn.openbsd.org");
	free(h);
	h = template_url_host("http://127.0.0.1:8000/x.qcow2");
	assert_string_equal(h, "127.0.0.1");
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_template_every_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_defaults,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_template_http_needs_sha256, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_archs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_template_errors,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_template_user_overrides_shipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_to_vmdef_image,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_to_vmdef_iso,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_template_to_vmdef_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_to_vmdef_arch,
		    setup, teardown),
		cmocka_unit_test(test_template_shipped),
		cmocka_unit_test(test_template_url_host),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
