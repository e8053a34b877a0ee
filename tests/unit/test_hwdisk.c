/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for ops/hwdisk's pure parts: names, sizes, whose file. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/qemu_argv.h"
#include "ops/hwdisk.h"

static struct vm_def *
parse(const char *text)
{
	struct vm_def	*def;
	char		*cause = NULL;

	def = vmdef_parse(text, strlen(text), "t.conf", &cause);
	if (def == NULL)
		fail_msg("%s", cause);
	return (def);
}

/* The first name no disk has, not one past the last. */
static void
test_hwdisk_free_name(void **state)
{
	struct vm_def	*def;
	char		*n;

	(void)state;
	def = parse("[vm]\nname = a\n[disk root]\nfile = r.qcow2\n"
	    "[disk disk1]\nfile = 1.qcow2\n[disk disk3]\nfile = 3.qcow2\n");
	n = hwdisk_free_name(def);
	assert_string_equal(n, "disk2");
	free(n);
	vmdef_free(def);
	def = parse("[vm]\nname = a\n");
	n = hwdisk_free_name(def);
	assert_string_equal(n, "disk1");
	free(n);
	vmdef_free(def);
}

static void
test_hwdisk_grow_size(void **state)
{
	uint64_t	 n;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(hwdisk_grow_size("2G", 1ULL << 30, &n, &cause), 0);
	assert_true(n == 2ULL << 30);
	assert_int_equal(hwdisk_grow_size("+512M", 1ULL << 30, &n, &cause),
	    0);
	assert_true(n == (1ULL << 30) + (512ULL << 20));
	/* A bare number is GiB, as create's --disk-size. */
	assert_int_equal(hwdisk_grow_size("3", 1ULL << 30, &n, &cause), 0);
	assert_true(n == 3ULL << 30);
	assert_int_equal(hwdisk_grow_size("512M", 1ULL << 30, &n, &cause),
	    -1);
	assert_non_null(strstr(cause, "only grows"));
	assert_non_null(strstr(cause, "shrink"));
	free(cause);
	assert_int_equal(hwdisk_grow_size("1G", 1ULL << 30, &n, &cause), -1);
	assert_non_null(strstr(cause, "change nothing"));
	free(cause);
	assert_int_equal(hwdisk_grow_size("lots", 1ULL << 30, &n, &cause),
	    -1);
	free(cause);
	assert_int_equal(hwdisk_grow_size("+", 1ULL << 30, &n, &cause), -1);
	free(cause);
}

/* Only a plain name in the VM's folder is vmdesk's to delete. */
static void
test_hwdisk_file_is_ours(void **state)
{
	struct vm_disk	d;

	(void)state;
	memset(&d, 0, sizeof d);
	d.file = (char []){ "disk1.qcow2" };
	assert_true(hwdisk_file_is_ours(&d));
	d.file = (char []){ "/home/me/data.img" };
	assert_false(hwdisk_file_is_ours(&d));
	d.file = (char []){ "../other/root.qcow2" };
	assert_false(hwdisk_file_is_ours(&d));
	d.file = (char []){ "sub/x.qcow2" };
	assert_false(hwdisk_file_is_ours(&d));
	d.file = (char []){ ".." };
	assert_false(hwdisk_file_is_ours(&d));
}

/* Boot and hot-plug give a disk the same ids, on its family's bus. */
static void
test_hwdisk_device_ids(void **state)
{
	struct vm_def	*def;
	char		*s;

	(void)state;
	def = parse("[vm]\nname = a\n[disk v]\nfile = v.qcow2\n"
	    "[disk s]\nfile = s.qcow2\nbus = scsi\n"
	    "[disk u]\nfile = u.qcow2\nbus = usb\n"
	    "[disk n]\nfile = n.qcow2\nbus = nvme\n"
	    "[disk h]\nfile = h.qcow2\nbus = sata\n");
	s = qemu_argv_disk_id("v");
	assert_string_equal(s, "disk-v");
	free(s);
	s = qemu_argv_disk_device(def, &def->disks[0], NULL);
	assert_string_equal(s, "virtio-blk-pci,drive=disk-v,id=disk-v");
	free(s);
	s = qemu_argv_disk_device(def, &def->disks[0], "hotplug0");
	assert_string_equal(s, "virtio-blk-pci,drive=disk-v,id=disk-v,"
	    "bus=hotplug0");
	free(s);
	s = qemu_argv_disk_device(def, &def->disks[1], NULL);
	assert_string_equal(s, "scsi-hd,drive=disk-s,id=disk-s,bus=scsi0.0");
	free(s);
	s = qemu_argv_disk_device(def, &def->disks[2], NULL);
	assert_string_equal(s, "usb-storage,drive=disk-u,id=disk-u,bus=usb.0");
	free(s);
	s = qemu_argv_disk_device(def, &def->disks[3], NULL);
	assert_string_equal(s, "nvme,drive=disk-n,id=disk-n,serial=n");
	free(s);
	assert_true(qemu_argv_disk_hotplug(def, VM_BUS_VIRTIO));
	assert_true(qemu_argv_disk_hotplug(def, VM_BUS_USB));
	assert_false(qemu_argv_disk_hotplug(def, VM_BUS_SATA));
	assert_false(qemu_argv_disk_hotplug(def, VM_BUS_IDE));
	vmdef_free(def);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_hwdisk_free_name),
		cmocka_unit_test(test_hwdisk_grow_size),
		cmocka_unit_test(test_hwdisk_file_is_ours),
		cmocka_unit_test(test_hwdisk_device_ids),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
