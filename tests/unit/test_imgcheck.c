/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for images/imgcheck: images that name files outside them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "images/imgcheck.h"
#include "images/template.h"

#define IMG_SIZE	(64 * 1024)

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void
put_le64(unsigned char *p, uint64_t v)
{
	int	i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A clean qcow2 version 3 header, 64 KiB clusters. */
static unsigned char *
qcow2_image(void)
{
	unsigned char	*p;

	p = calloc(1, IMG_SIZE);
	assert_non_null(p);
	memcpy(p, "QFI\xfb", 4);
	put_be32(p + 4, 3);
	put_be32(p + 20, 16);
	put_be64(p + 24, 1 << 20);
	put_be32(p + 96, 4);
	put_be32(p + 100, 104);
	return (p);
}

/* A clean streamOptimized-like VMDK: capacity, descriptor at sector 1. */
static unsigned char *
vmdk_image(const char *desc)
{
	unsigned char	*p;

	p = calloc(1, IMG_SIZE);
	assert_non_null(p);
	memcpy(p, "KDMV", 4);
	p[4] = 3;
	put_le64(p + 12, 2048);
	put_le64(p + 28, 1);
	put_le64(p + 36, 20);
	memcpy(p + 512, desc, strlen(desc));
	return (p);
}

/* Inspect and expect a refusal whose text holds every word given. */
static void
refused(const void *img, size_t len, int format, const char *w1,
    const char *w2)
{
	char	*cause = NULL;

	assert_int_equal(imgcheck_buffer(img, len, "x.img", format, NULL, 0,
	    &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, w1) == NULL || (w2 != NULL &&
	    strstr(cause, w2) == NULL))
		fail_msg("'%s' lacks '%s' or '%s'", cause, w1,
		    w2 != NULL ? w2 : "");
	if (strstr(cause, "x.img") == NULL)
		fail_msg("'%s' does not name the image", cause);
	free(cause);
}

static void
test_imgcheck_clean_images(void **state)
{
	unsigned char	*p;
	char		*cause = NULL;
	static const char desc[] = "# Disk DescriptorFile\nversion=1\n"
	    "createType=\"streamOptimized\"\nRW 2048 SPARSE \"d.vmdk\"\n";

	p = qcow2_image();
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x", -1, NULL, 0,
	    &cause), TEMPLATE_FORMAT_QCOW2);
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x",
	    TEMPLATE_FORMAT_QCOW2, NULL, 0, &cause), TEMPLATE_FORMAT_QCOW2);
	/* Raw when vmdesk says raw: QEMU is told so and never probes. */
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x",
	    TEMPLATE_FORMAT_RAW, NULL, 0, &cause), TEMPLATE_FORMAT_RAW);
	free(p);
	p = vmdk_image(desc);
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x",
	    TEMPLATE_FORMAT_VMDK, NULL, 0, &cause), TEMPLATE_FORMAT_VMDK);
	memset(p, 0, IMG_SIZE);
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x", -1, NULL, 0,
	    &cause), TEMPLATE_FORMAT_RAW);
	memcpy(p + 0x8001, "CD001", 5);
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x", -1, NULL, 0,
	    &cause), TEMPLATE_FORMAT_ISO);
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x",
	    TEMPLATE_FORMAT_ISO, NULL, 0, &cause), TEMPLATE_FORMAT_ISO);
	assert_null(cause);
	free(p);
}

static void
test_imgcheck_qcow2_backing(void **state)
{
	unsigned char	*p;
	char		*cause = NULL;

	p = qcow2_image();
	memcpy(p + 4096, "/home/u/.ssh/id_ed25519", 23);
	put_be64(p + 8, 4096);
	put_be32(p + 16, 23);
	refused(p, IMG_SIZE, -1, "backing file", "/home/u/.ssh/id_ed25519");
	refused(p, IMG_SIZE, TEMPLATE_FORMAT_QCOW2, "backing file", NULL);
	/* The one base allowed, or any name the rebase replaces. */
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x",
	    TEMPLATE_FORMAT_QCOW2, "/home/u/.ssh/id_ed25519", 0, &cause),
	    TEMPLATE_FORMAT_QCOW2);
	assert_int_equal(imgcheck_buffer(p, IMG_SIZE, "x",
	    TEMPLATE_FORMAT_QCOW2, "base.qcow2", IMGCHECK_BACKING_ANY,
	    &cause), TEMPLATE_FORMAT_QCOW2);
	refused(p, IMG_SIZE, TEMPLATE_FORMAT_QCOW2, "backing file", NULL);
	/* A name past the end of the file is refused too. */
	put_be64(p + 8, IMG_SIZE - 4);
	refused(p, IMG_SIZE, -1, "backing file", "cannot be read");
	assert_null(cause);
	free(p);
}

static void
test_imgcheck_qcow2_data_file(void **state)
{
	unsigned char	*p;

	p = qcow2_image();
	/* The header extension alone. */
	put_be32(p + 104, 0x44415441);
	put_be32(p + 108, 13);
	memcpy(p + 112, "/home/u/.bashrc", 13);
	refused(p, IMG_SIZE, -1, "external data file", "/home/u/.bash");
	/* After another extension. */
	memset(p + 104, 0, 64);
	put_be32(p + 104, 0xe2792aca);
	put_be32(p + 108, 3);
	memcpy(p + 112, "raw", 3);
	put_be32(p + 120, 0x44415441);
	put_be32(p + 124, 4);
	memcpy(p + 128, "/etc", 4);
	refused(p, IMG_SIZE, TEMPLATE_FORMAT_QCOW2, "external data file",
	    "'/etc'");
	/* The feature bit alone. */
	memset(p + 104, 0, 64);
	put_be64(p + 72, 1ULL << 2);
	refused(p, IMG_SIZE, -1, "external data file", NULL);
	/* Encryption, and qcow version 1. */
	put_be64(p + 72, 0);
	put_be32(p + 32, 2);
	refused(p, IMG_SIZE, -1, "encryption", NULL);
	put_be32(p + 32, 0);
	put_be32(p + 4, 1);
	refused(p, IMG_SIZE, -1, "qcow version 1", NULL);
	free(p);
}

static void
test_imgcheck_vmdk_extents(void **state)
{
	static const char flat[] = "# Disk DescriptorFile\nversion=1\n"
	    "CID=fffffffe\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
	    "RW 2048 FLAT \"/home/u/.bashrc\" 0\n";
	static const char bare[] = "  \nversion=1\nRW\t8 FLAT \"/etc/x\"\n";
	static const char parent[] = "# Disk DescriptorFile\nversion=1\n"
	    "parentFileNameHint=\"/home/u/base.vmdk\"\n";
	unsigned char	*p;

	refused(flat, sizeof flat - 1, TEMPLATE_FORMAT_VMDK,
	    "'/home/u/.bashrc'", "outside");
	refused(flat, sizeof flat - 1, -1, "'/home/u/.bashrc'", NULL);
	/* QEMU's probe takes a descriptor without its comment line. */
	refused(bare, sizeof bare - 1, -1, "'/etc/x'", NULL);
	/* Given as VMDK, any text is a descriptor. */
	refused("hello\n", 6, TEMPLATE_FORMAT_VMDK, "names no data", NULL);
	/* A sparse VMDK whose header has no capacity: QEMU reads the
	 * extents of its embedded descriptor. */
	p = vmdk_image(flat);
	put_le64(p + 12, 0);
	refused(p, IMG_SIZE, TEMPLATE_FORMAT_VMDK, "'/home/u/.bashrc'", NULL);
	free(p);
	p = vmdk_image(parent);
	refused(p, IMG_SIZE, -1, "parent", NULL);
	free(p);
}

static void
test_imgcheck_formats_refused(void **state)
{
	unsigned char	*p;

	p = calloc(1, IMG_SIZE);
	assert_non_null(p);
	memcpy(p, "QFI\0", 4);
	refused(p, IMG_SIZE, -1, "QED", "does not take");
	refused(p, IMG_SIZE, TEMPLATE_FORMAT_ISO, "QED", NULL);
	memcpy(p, "vhdxfile", 8);
	refused(p, IMG_SIZE, -1, "VHDX", NULL);
	memset(p, 0, 16);
	memcpy(p + 0x40, "\x7f\x10\xda\xbe", 4);
	refused(p, IMG_SIZE, -1, "VDI", NULL);
	free(p);
	/* An ISO must hold raw bytes: QEMU probes a CD-ROM's format. */
	p = qcow2_image();
	refused(p, IMG_SIZE, TEMPLATE_FORMAT_ISO, "qcow2", "not an ISO");
	refused(p, IMG_SIZE, TEMPLATE_FORMAT_VHD, "not a VHD", NULL);
	free(p);
	/* A differencing VHD names its parent. */
	p = calloc(1, IMG_SIZE);
	assert_non_null(p);
	memcpy(p, "conectix", 8);
	put_be32(p + 60, 4);
	refused(p, IMG_SIZE, -1, "differencing", NULL);
	free(p);
}

static void
test_imgcheck_qemu_source(void **state)
{
	char	*s;

	s = imgcheck_qemu_source("/a \"b\",c", "qcow2");
	assert_string_equal(s, "json:{\"driver\":\"qcow2\",\"file\":"
	    "{\"driver\":\"file\",\"filename\":\"/a \\\"b\\\",c\"},"
	    "\"backing\":null}");
	free(s);
	s = imgcheck_qemu_source("nbd:host:1", "raw");
	assert_non_null(strstr(s, "\"driver\":\"file\",\"filename\":"
	    "\"nbd:host:1\""));
	assert_null(strstr(s, "backing"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imgcheck_clean_images),
		cmocka_unit_test(test_imgcheck_qcow2_backing),
		cmocka_unit_test(test_imgcheck_qcow2_data_file),
		cmocka_unit_test(test_imgcheck_vmdk_extents),
		cmocka_unit_test(test_imgcheck_formats_refused),
		cmocka_unit_test(test_imgcheck_qemu_source),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
