/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for backend/qemu_argv: golden argv files in tests/data/argv,
 * one per shipped template and one per hardware variant. Set
 * VMDESK_UPDATE_GOLDEN=1 to rewrite them after an intended change.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/qemu_argv.h"
#include "backend/virtiofsd.h"
#include "images/template.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* Fixed paths so the argv is the same on every machine. */
static void
fixed_paths(struct vm_paths *p)
{
	char	*cause = NULL;

	if (vm_paths_init(p, "/VMDIR", "/RUN", &cause) != 0)
		fail_msg("%s", cause);
}

static void
check_golden(const char *name, const struct strv *av)
{
	const char	*dir = getenv("VMDESK_TEST_DATA");
	char		*path, *want, *got, *cause = NULL;

	if (dir == NULL)
		fail_msg("VMDESK_TEST_DATA is not set");
	path = xasprintf("%s/argv/%s.argv", dir, name);
	got = strv_join(av, "\n");
	got = xrealloc(got, strlen(got) + 2);
	strcat(got, "\n");
	if (getenv("VMDESK_UPDATE_GOLDEN") != NULL) {
		assert_int_equal(fs_write_atomic(path, got, strlen(got), 0644,
		    &cause), 0);
	}
	want = fs_read_file(path, NULL, &cause);
	if (want == NULL)
		fail_msg("%s (VMDESK_UPDATE_GOLDEN=1 writes it)", cause);
	if (strcmp(want, got) != 0)
		fail_msg("argv for %s differs from %s:\n--- got\n%s", name,
		    path, got);
	free(want);
	free(got);
	free(path);
}

static void
build(const struct vm_def *def, enum accel accel, int paused,
    struct strv *av)
{
	struct qemu_argv_in	in;
	struct vm_paths		p;
	char			*cause = NULL;

	fixed_paths(&p);
	memset(&in, 0, sizeof in);
	in.def = def;
	in.paths = &p;
	in.qemu = vmarch_get(vmdef_arch(def))->qemu;
	in.accel = accel;
	in.paused = paused;
	/* vmproc picks a free port when vnc_port is 0; golden files fix it. */
	in.vnc_port = def->vnc_tcp ? def->vnc_port : 0;
	if (vmdef_arch(def) != VM_ARCH_X86_64) {
		/* The files vmproc_firmware_files() gives (vars: a copy). */
		in.fw_code = vmarch_get(vmdef_arch(def))->fw_code;
		if (vmarch_get(vmdef_arch(def))->fw_vars != NULL)
			in.fw_vars = "efivars.fd";
		in.fw_loader = vmarch_get(vmdef_arch(def))->fw_loader;
	} else if (def->firmware == VM_FIRMWARE_UEFI) {
		in.fw_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
		in.fw_vars = "efivars.fd";
	} else if (def->firmware == VM_FIRMWARE_UEFI_SECURE) {
		in.fw_code = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd";
		in.fw_vars = "efivars.fd";
	}
	strv_init(av);
	if (qemu_argv_build(&in, av, &cause) != 0)
		fail_msg("%s", cause);
	vm_paths_clear(&p);
}

static void
test_qemu_argv_every_template(void **state)
{
	struct template		**list;
	struct template_opts	  opt;
	struct tinylinux	  tl;
	struct vm_def		 *def;
	struct strv		  dirs, av;
	const char		 *tdir = getenv("VMDESK_TEMPLATES_DIR");
	char			 *cause = NULL, *gname;
	size_t			  i, n;

	assert_non_null(tdir);
	strv_init(&dirs);
	strv_push(&dirs, tdir);
	if (template_list(&dirs, &list, &n, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(n >= 1);
	memset(&opt, 0, sizeof opt);
	/* What the create code gives boot = iso templates. */
	opt.iso = "/ISO/installer.iso";
	tl.kernel = (char *)"/IMAGES/tinylinux/vmlinuz";
	tl.initrd = (char *)"/IMAGES/tinylinux/initrd.img";
	for (i = 0; i < n; i++) {
		def = template_to_vmdef(list[i], "golden", &opt, &tl);
		free(def->nics[0].mac);
		def->nics[0].mac = xstrdup("52:54:00:12:34:56");
		build(def, ACCEL_TCG, 0, &av);
		gname = xasprintf("template-%s", list[i]->name);
		check_golden(gname, &av);
		free(gname);
		strv_clear(&av);
		vmdef_free(def);
	}
	template_list_free(list, n);
	strv_clear(&dirs);
}

static struct vm_def *
parse(const char *text)
{
	struct vm_def	*def;
	char		*cause = NULL;

	def = vmdef_parse(text, strlen(text), "golden.conf", &cause);
	if (def == NULL)
		fail_msg("%s", cause);
	return (def);
}

static const struct {
	const char	*name;
	enum accel	 accel;
	int		 paused;
	const char	*conf;
} variants[] = {
	{ "pc-sata-iso-kvm", ACCEL_KVM, 0,
	  "[vm]\nname = pc1\nmachine = pc\ncpus = 2\nmemory = 1G\n"
	  "[boot]\niso = /isos/debian,netinst.iso\norder = dc\n"
	  "[disk root]\nfile = root.qcow2\nbus = sata\n"
	  "[disk extra]\nfile = /abs/extra.img\nformat = raw\nbus = ide\n"
	  "[nic n0]\nmodel = e1000\nmac = 52:54:00:00:00:01\n"
	  "forward = tcp:2222:22\nforward = udp:5353:53\n" },
	{ "q35-uefi-nvme-scsi-paused", ACCEL_TCG, 1,
	  "[vm]\nname = win\nfirmware = uefi\nmemory = 4G\ncpus = 4\n"
	  "display = virtio\n"
	  "[disk c]\nfile = c.qcow2\nbus = nvme\n"
	  "[disk d]\nfile = d.qcow2\nbus = scsi\n"
	  "[disk e]\nfile = e.qcow2\nbus = scsi\nreadonly = yes\n"
	  "[nic n0]\nmodel = rtl8139\nmac = 52:54:00:00:00:02\n" },
	{ "q35-cpu-model", ACCEL_TCG, 0,
	  "[vm]\nname = cpu\nmemory = 512M\ncpu_model = Skylake-Client\n"
	  "[disk root]\nfile = root.qcow2\n" },
	{ "q35-topology-boot-words", ACCEL_TCG, 0,
	  "[vm]\nname = topo\nmemory = 512M\ncpus = 4\nsockets = 1\n"
	  "cores = 2\nthreads = 2\n"
	  "[boot]\norder = cdrom,disk,net\n"
	  "[disk root]\nfile = root.qcow2\n" },
	{ "q35-vnc-tcp", ACCEL_TCG, 0,
	  "[vm]\nname = vnc\nmemory = 256M\nvnc_tcp = yes\n"
	  "vnc_port = 5917\n"
	  "[disk root]\nfile = root.qcow2\n"
	  "[nic n0]\nmac = 52:54:00:00:00:04\nforward = tcp:2222:22\n" },
	/* A USB disk without a display: the xHCI comes with the disk. */
	{ "q35-usb-scsi-disks-headless", ACCEL_TCG, 0,
	  "[vm]\nname = usb\nmemory = 256M\ndisplay = none\n"
	  "[boot]\niso = /isos/live.iso\n"
	  "[disk root]\nfile = root.qcow2\n"
	  "[disk stick]\nfile = /abs/stick.img\nformat = raw\nbus = usb\n"
	  "[disk s]\nfile = s.qcow2\nbus = scsi\nreadonly = yes\n" },
	{ "q35-nets-bridge-private", ACCEL_TCG, 0,
	  "[vm]\nname = nets\nmemory = 256M\n"
	  "[nic lan]\nmac = 52:54:00:00:00:05\nforward = tcp:2222:22\n"
	  "[nic br]\nmac = 52:54:00:00:00:06\nnet = bridge:br0\n"
	  "model = e1000\n"
	  "[nic lab]\nmac = 52:54:00:00:00:07\nnet = private:lab\n"
	  "model = rtl8139\n" },
	{ "q35-usb-stick-host", ACCEL_TCG, 0,
	  "[vm]\nname = usb\nmemory = 256M\n"
	  "[usb stick]\nfile = stick,1.img\nreadonly = yes\n"
	  "[usb key]\nhost = 046D:c52b\n" },
	{ "q35-usb-headless", ACCEL_TCG, 0,
	  "[vm]\nname = usbh\nmemory = 256M\ndisplay = none\n"
	  "[usb stick]\nfile = /abs/stick.img\n" },
	/* Other architectures: QEMU's virt machine, as tinylinux boots. */
	{ "aarch64-kernel", ACCEL_TCG, 0,
	  "[vm]\nname = arm\narch = aarch64\nmachine = virt\n"
	  "firmware = uefi\ndisplay = virtio\nmemory = 256M\n"
	  "[boot]\nkernel = /k/vmlinuz\ninitrd = initrd.img\n"
	  "cmdline = console=ttyAMA0\n"
	  "[disk data]\nfile = data.qcow2\n"
	  "[nic n0]\nmac = 52:54:00:00:00:08\nforward = tcp:2222:22\n" },
	/* AAVMF from pflash, an installer on the SCSI CD, a TPM, KVM. */
	{ "aarch64-uefi-iso-tpm-kvm", ACCEL_KVM, 0,
	  "[vm]\nname = arm\narch = aarch64\nmachine = virt\n"
	  "firmware = uefi\ndisplay = virtio\nmemory = 2G\ncpus = 2\n"
	  "tpm = yes\n"
	  "[boot]\niso = /isos/debian-arm64.iso\norder = cd\n"
	  "[disk root]\nfile = root.qcow2\n"
	  "[disk fast]\nfile = fast.qcow2\nbus = nvme\n"
	  "[disk s]\nfile = s.qcow2\nbus = scsi\n"
	  "[nic n0]\nmac = 52:54:00:00:00:09\nmodel = e1000\n" },
	/* OpenSBI, U-Boot as its payload (it boots the disk's EFI loader). */
	{ "riscv64-uboot-headless", ACCEL_TCG, 0,
	  "[vm]\nname = rv\narch = riscv64\nmachine = virt\n"
	  "firmware = uefi\ndisplay = none\nmemory = 1G\n"
	  "[disk root]\nfile = root.qcow2\n"
	  "[nic n0]\nmac = 52:54:00:00:00:0a\n" },
	{ "riscv64-kernel", ACCEL_TCG, 0,
	  "[vm]\nname = rv\narch = riscv64\nmachine = virt\n"
	  "firmware = uefi\ndisplay = virtio\nmemory = 256M\n"
	  "[boot]\nkernel = /k/vmlinuz\ninitrd = initrd.img\n"
	  "cmdline = console=ttyS0\n"
	  "[disk data]\nfile = data.qcow2\n"
	  "[nic n0]\nmac = 52:54:00:00:00:0b\n" },
	{ "armhf-kernel-usb", ACCEL_TCG, 0,
	  "[vm]\nname = pi\narch = armhf\nmachine = virt\n"
	  "firmware = uefi\ndisplay = virtio\nmemory = 256M\n"
	  "[boot]\nkernel = /k/vmlinuz\ninitrd = initrd.img\n"
	  "cmdline = console=ttyAMA0\n"
	  "[disk data]\nfile = data.qcow2\n"
	  "[nic n0]\nmac = 52:54:00:00:00:0c\n"
	  "[usb stick]\nfile = /abs/stick.img\n" },
	{ "armhf-uefi", ACCEL_TCG, 0,
	  "[vm]\nname = pi\narch = armhf\nmachine = virt\n"
	  "firmware = uefi\ndisplay = virtio\nmemory = 512M\n"
	  "[disk root]\nfile = root.qcow2\n" },
	{ "microvm-headless", ACCEL_TCG, 0,
	  "[vm]\nname = micro\nmachine = microvm\nmemory = 128M\n"
	  "display = none\n"
	  "[boot]\nkernel = /k/vmlinuz\ninitrd = initrd.img\n"
	  "cmdline = console=ttyS0 quiet\n"
	  "[disk data]\nfile = data.qcow2\n"
	  "[nic n0]\nmac = 52:54:00:00:00:03\n" },
};

static void
test_qemu_argv_variants(void **state)
{
	struct vm_def	*def;
	struct strv	 av;
	size_t		 i;

	for (i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		def = parse(variants[i].conf);
		build(def, variants[i].accel, variants[i].paused, &av);
		check_golden(variants[i].name, &av);
		strv_clear(&av);
		vmdef_free(def);
	}
}

static void
test_qemu_argv_escapes_commas(void **state)
{
	char	*s;

	s = qemu_argv_escape("/a,b/c,,d");
	assert_string_equal(s, "/a,,b/c,,,,d");
	free(s);
}

static void
test_qemu_argv_too_many_ide(void **state)
{
	struct qemu_argv_in	 in;
	struct vm_paths		 p;
	struct vm_def		*def;
	struct strv		 av;
	char			*cause = NULL;

	def = parse("[vm]\nname = many\nmachine = pc\n[boot]\niso = /x.iso\n"
	    "[disk a]\nfile = a\nbus = ide\n[disk b]\nfile = b\nbus = ide\n"
	    "[disk c]\nfile = c\nbus = ide\n[disk d]\nfile = d\nbus = ide\n");
	fixed_paths(&p);
	memset(&in, 0, sizeof in);
	in.def = def;
	in.paths = &p;
	in.qemu = "qemu-system-x86_64";
	strv_init(&av);
	assert_int_equal(qemu_argv_build(&in, &av, &cause), -1);
	assert_non_null(strstr(cause, "too many IDE/SATA disks"));
	free(cause);
	strv_clear(&av);
	vm_paths_clear(&p);
	vmdef_free(def);
}

/* cpu_model host needs KVM: refused with a reason, not left to QEMU. */
static void
test_qemu_argv_cpu_host_needs_kvm(void **state)
{
	struct qemu_argv_in	 in;
	struct vm_paths		 p;
	struct vm_def		*def;
	struct strv		 av;
	char			*cause = NULL;

	def = parse("[vm]\nname = h\ncpu_model = host\n");
	build(def, ACCEL_KVM, 0, &av);
	assert_true(strv_find(&av, "host") >= 0);
	strv_clear(&av);
	fixed_paths(&p);
	memset(&in, 0, sizeof in);
	in.def = def;
	in.paths = &p;
	in.qemu = "qemu-system-x86_64";
	in.accel = ACCEL_TCG;
	strv_init(&av);
	assert_int_equal(qemu_argv_build(&in, &av, &cause), -1);
	assert_non_null(strstr(cause, "cpu_model host needs KVM"));
	free(cause);
	strv_clear(&av);
	vm_paths_clear(&p);
	vmdef_free(def);
}

/*
 * Shares: with a usable virtiofsd a share gets virtio-fs and the VM its
 * RAM from a shared memfd; a read-only one (Debian's virtiofsd has no
 * read-only mode) and every share without virtiofsd get 9p, and then
 * the RAM stays private.
 */
static void
test_qemu_argv_shares(void **state)
{
	struct virtiofsd_probe	 pr;
	struct qemu_argv_in	 in;
	struct vm_paths		 p;
	struct vm_def		*def;
	struct strv		 av;
	char			*cause = NULL;

	def = parse("[vm]\nname = sh\nmemory = 256M\n"
	    "[disk root]\nfile = root.qcow2\n"
	    "[share src]\npath = /home/a/src\n"
	    "[share docs]\npath = /srv/a,b\ntag = d\nreadonly = yes\n");
	memset(&pr, 0, sizeof pr);
	pr.path = (char *)"/usr/lib/qemu/virtiofsd";
	pr.usable = pr.legacy = 1;
	fixed_paths(&p);
	memset(&in, 0, sizeof in);
	in.def = def;
	in.paths = &p;
	in.qemu = "qemu-system-x86_64";
	in.accel = ACCEL_TCG;
	in.virtiofsd = &pr;
	strv_init(&av);
	if (qemu_argv_build(&in, &av, &cause) != 0)
		fail_msg("%s", cause);
	check_golden("q35-shares", &av);
	strv_clear(&av);
	in.virtiofsd = NULL;
	strv_init(&av);
	if (qemu_argv_build(&in, &av, &cause) != 0)
		fail_msg("%s", cause);
	check_golden("q35-shares-9p", &av);
	assert_int_equal(strv_find(&av, "memory-backend=mem"), -1);
	strv_clear(&av);
	/* virtio-fs asked for, and no virtiofsd: the start says why. */
	def->shares[0].mode = VM_SHARE_VIRTIOFS;
	strv_init(&av);
	assert_int_equal(qemu_argv_build(&in, &av, &cause), -1);
	assert_non_null(strstr(cause, "share src wants virtio-fs"));
	free(cause);
	strv_clear(&av);
	vm_paths_clear(&p);
	vmdef_free(def);
}

static void
test_qemu_argv_socket_path_limit(void **state)
{
	struct vm_paths	 p;
	char		 run[120], *cause = NULL;

	memset(run, 'r', sizeof run - 1);
	run[0] = '/';
	run[sizeof run - 1] = '\0';
	assert_int_equal(vm_paths_init(&p, "/v", run, &cause), -1);
	assert_non_null(strstr(cause, "too long for a UNIX socket path"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_argv_every_template),
		cmocka_unit_test(test_qemu_argv_variants),
		cmocka_unit_test(test_qemu_argv_escapes_commas),
		cmocka_unit_test(test_qemu_argv_too_many_ide),
		cmocka_unit_test(test_qemu_argv_cpu_host_needs_kvm),
		cmocka_unit_test(test_qemu_argv_socket_path_limit),
		cmocka_unit_test(test_qemu_argv_shares),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
