/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for images/kmod: .modinfo parsing on synthetic ELF files, ordering. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "images/kmod.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* Layout of the synthetic module: header, .text, .modinfo, names, table. */
#define KO_EHDR		64
#define KO_SHDR		64
#define KO_NSECT	4
#define KO_SHSTRTAB	"\0.text\0.modinfo\0.shstrtab\0"
#define KO_NAME_TEXT	1
#define KO_NAME_MODINFO	7
#define KO_NAME_SHSTR	16

struct ko {
	unsigned char	*p;
	size_t		 len;
	int		 be;
	size_t		 shoff;		/* where the section table starts */
};

static void
put(struct ko *ko, size_t off, uint64_t v, size_t n)
{
	size_t	i;

	assert_true(off + n <= ko->len);
	for (i = 0; i < n; i++) {
		if (ko->be)
			ko->p[off + i] = (unsigned char)(v >>
			    (8 * (n - 1 - i)));
		else
			ko->p[off + i] = (unsigned char)(v >> (8 * i));
	}
}

static void
put_shdr(struct ko *ko, size_t idx, uint32_t name, uint32_t type,
    uint64_t off, uint64_t size)
{
	size_t	base = ko->shoff + idx * KO_SHDR;

	put(ko, base, name, 4);
	put(ko, base + 4, type, 4);
	put(ko, base + 24, off, 8);
	put(ko, base + 32, size, 8);
}

/* Build a module whose .modinfo holds modinfo[0 .. len). */
static void
ko_build(struct ko *ko, const char *modinfo, size_t len, int be)
{
	static const char	text[] = "\x90\x90\x90\xc3";
	size_t			off, textoff, modoff, stroff;

	ko->be = be;
	textoff = KO_EHDR;
	modoff = textoff + sizeof text;
	stroff = modoff + len;
	off = stroff + sizeof KO_SHSTRTAB;
	ko->shoff = (off + 7) & ~(size_t)7;
	ko->len = ko->shoff + KO_NSECT * KO_SHDR;
	ko->p = xcalloc(1, ko->len);

	memcpy(ko->p, "\177ELF", 4);
	ko->p[4] = 2;			/* ELFCLASS64 */
	ko->p[5] = be ? 2 : 1;		/* ELFDATA2MSB / ELFDATA2LSB */
	ko->p[6] = 1;			/* EV_CURRENT */
	put(ko, 16, 1, 2);		/* ET_REL */
	put(ko, 18, 62, 2);		/* EM_X86_64 */
	put(ko, 20, 1, 4);
	put(ko, 40, ko->shoff, 8);
	put(ko, 52, KO_EHDR, 2);
	put(ko, 58, KO_SHDR, 2);
	put(ko, 60, KO_NSECT, 2);
	put(ko, 62, 3, 2);

	memcpy(ko->p + textoff, text, sizeof text);
	memcpy(ko->p + modoff, modinfo, len);
	memcpy(ko->p + stroff, KO_SHSTRTAB, sizeof KO_SHSTRTAB);

	put_shdr(ko, 1, KO_NAME_TEXT, 1, textoff, sizeof text);
	put_shdr(ko, 2, KO_NAME_MODINFO, 1, modoff, len);
	put_shdr(ko, 3, KO_NAME_SHSTR, 3, stroff, sizeof KO_SHSTRTAB);
}

static void
ko_free(struct ko *ko)
{
	free(ko->p);
	ko->p = NULL;
}

#define EXT4_MODINFO \
	"license=GPL\0softdep=pre: crypto-crc32c\0" \
	"depends=jbd2,mbcache,crc16\0" \
	"retpoline=Y\0intree=Y\0name=ext4\0vermagic=6.1.0-56-amd64 SMP " \
	"preempt mod_unload modversions \0"

/* Parse and expect failure; the cause must be set and is freed here. */
static void
expect_parse_error(const struct ko *ko, size_t len, const char *want)
{
	struct kmod_info	 ki;
	char			*cause = NULL;

	assert_int_equal(kmod_info_parse(ko->p, len, &ki, &cause), -1);
	assert_non_null(cause);
	if (want != NULL && strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want);
	free(cause);
	assert_null(ki.name);
	assert_int_equal(ki.depends.n, 0);
}

static void
test_kmod_modinfo_depends(void **state)
{
	struct ko		 ko;
	struct kmod_info	 ki;
	char			*cause = NULL;

	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);
	assert_int_equal(kmod_info_parse(ko.p, ko.len, &ki, &cause), 0);
	assert_null(cause);
	assert_string_equal(ki.name, "ext4");
	assert_string_equal(ki.vermagic,
	    "6.1.0-56-amd64 SMP preempt mod_unload modversions ");
	assert_int_equal(ki.depends.n, 3);
	assert_string_equal(ki.depends.v[0], "jbd2");
	assert_string_equal(ki.depends.v[1], "mbcache");
	assert_string_equal(ki.depends.v[2], "crc16");
	kmod_info_clear(&ki);
	ko_free(&ko);
}

static void
test_kmod_modinfo_big_endian(void **state)
{
	struct ko		 ko;
	struct kmod_info	 ki;
	char			*cause = NULL;

	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 1);
	assert_int_equal(kmod_info_parse(ko.p, ko.len, &ki, &cause), 0);
	assert_string_equal(ki.name, "ext4");
	assert_int_equal(ki.depends.n, 3);
	kmod_info_clear(&ki);
	ko_free(&ko);
}

static void
test_kmod_modinfo_no_depends(void **state)
{
	static const char	 empty[] = "depends=\0name=evdev\0";
	static const char	 absent[] = "license=GPL\0name=button\0";
	struct ko		 ko;
	struct kmod_info	 ki;
	char			*cause = NULL;

	ko_build(&ko, empty, sizeof empty, 0);
	assert_int_equal(kmod_info_parse(ko.p, ko.len, &ki, &cause), 0);
	assert_string_equal(ki.name, "evdev");
	assert_null(ki.vermagic);
	assert_int_equal(ki.depends.n, 0);
	kmod_info_clear(&ki);
	ko_free(&ko);

	ko_build(&ko, absent, sizeof absent, 0);
	assert_int_equal(kmod_info_parse(ko.p, ko.len, &ki, &cause), 0);
	assert_string_equal(ki.name, "button");
	assert_int_equal(ki.depends.n, 0);
	kmod_info_clear(&ki);
	ko_free(&ko);
}

static void
test_kmod_modinfo_dashes_and_commas(void **state)
{
	static const char	 mi[] =
	    "name=virtio-rng\0depends=,virtio-ring,,virtio,virtio_ring,\0";
	struct ko		 ko;
	struct kmod_info	 ki;
	char			*cause = NULL;

	ko_build(&ko, mi, sizeof mi, 0);
	assert_int_equal(kmod_info_parse(ko.p, ko.len, &ki, &cause), 0);
	assert_string_equal(ki.name, "virtio_rng");
	assert_int_equal(ki.depends.n, 2);
	assert_string_equal(ki.depends.v[0], "virtio_ring");
	assert_string_equal(ki.depends.v[1], "virtio");
	kmod_info_clear(&ki);
	ko_free(&ko);
}

static void
test_kmod_modinfo_unterminated(void **state)
{
	/* The section ends inside the last string: it ends there too. */
	static const char	 mi[] = "name=a\0depends=b,c";
	struct ko		 ko;
	struct kmod_info	 ki;
	char			*cause = NULL;

	ko_build(&ko, mi, sizeof mi - 1, 0);
	assert_int_equal(kmod_info_parse(ko.p, ko.len, &ki, &cause), 0);
	assert_string_equal(ki.name, "a");
	assert_int_equal(ki.depends.n, 2);
	assert_string_equal(ki.depends.v[1], "c");
	kmod_info_clear(&ki);
	ko_free(&ko);
}

static void
test_kmod_modinfo_bad_names(void **state)
{
	static const char	 badname[] = "name=../../etc\0";
	static const char	 baddep[] = "name=a\0depends=b,c d\0";
	struct ko		 ko;

	ko_build(&ko, badname, sizeof badname, 0);
	expect_parse_error(&ko, ko.len, "name=");
	ko_free(&ko);
	ko_build(&ko, baddep, sizeof baddep, 0);
	expect_parse_error(&ko, ko.len, "depends=");
	ko_free(&ko);
}

static void
test_kmod_truncated_header(void **state)
{
	struct ko	ko;
	size_t		len;

	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);
	expect_parse_error(&ko, 0, "truncated");
	expect_parse_error(&ko, 63, "truncated");
	/* The section table is last: every shorter prefix must fail. */
	for (len = 0; len < ko.len; len++)
		expect_parse_error(&ko, len, NULL);
	ko_free(&ko);
}

static void
test_kmod_not_elf64(void **state)
{
	struct ko	ko;

	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);
	ko.p[0] = 'x';
	expect_parse_error(&ko, ko.len, "not an ELF");
	ko.p[0] = 0x7f;
	ko.p[4] = 3;
	expect_parse_error(&ko, ko.len, "32- or 64-bit");
	ko.p[4] = 2;
	ko.p[5] = 7;
	expect_parse_error(&ko, ko.len, "byte order");
	ko_free(&ko);
}

/* A 32-bit module (armhf): the same fields at ELFCLASS32's offsets. */
static void
test_kmod_elf32(void **state)
{
	static const char	 text[] = "\x00\x00\xa0\xe1";
	struct kmod_info	 ki;
	struct ko		 ko;
	char			*cause = NULL;
	size_t			 modoff, stroff, i, base;
	const size_t		 sect[][4] = {
		{ KO_NAME_TEXT, 1, 52, sizeof text },
		{ KO_NAME_MODINFO, 1, 52 + sizeof text, sizeof EXT4_MODINFO },
		{ KO_NAME_SHSTR, 3, 0, sizeof KO_SHSTRTAB },
	};

	ko.be = 0;
	modoff = 52 + sizeof text;
	stroff = modoff + sizeof EXT4_MODINFO;
	ko.shoff = (stroff + sizeof KO_SHSTRTAB + 3) & ~(size_t)3;
	ko.len = ko.shoff + KO_NSECT * 40;
	ko.p = xcalloc(1, ko.len);
	memcpy(ko.p, "\177ELF\001\001\001", 7);
	put(&ko, 16, 1, 2);		/* ET_REL */
	put(&ko, 18, 40, 2);		/* EM_ARM */
	put(&ko, 32, ko.shoff, 4);
	put(&ko, 46, 40, 2);
	put(&ko, 48, KO_NSECT, 2);
	put(&ko, 50, 3, 2);
	memcpy(ko.p + 52, text, sizeof text);
	memcpy(ko.p + modoff, EXT4_MODINFO, sizeof EXT4_MODINFO);
	memcpy(ko.p + stroff, KO_SHSTRTAB, sizeof KO_SHSTRTAB);
	for (i = 0; i < 3; i++) {
		base = ko.shoff + (i + 1) * 40;
		put(&ko, base, sect[i][0], 4);
		put(&ko, base + 4, sect[i][1], 4);
		put(&ko, base + 16, i == 2 ? stroff : sect[i][2], 4);
		put(&ko, base + 20, sect[i][3], 4);
	}
	if (kmod_info_parse(ko.p, ko.len, &ki, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(ki.name, "ext4");
	assert_int_equal(ki.depends.n, 3);
	kmod_info_clear(&ki);
	/* A 32-bit header is 52 bytes: shorter is truncated. */
	expect_parse_error(&ko, 51, "truncated");
	ko_free(&ko);
}

static void
test_kmod_section_offsets_out_of_bounds(void **state)
{
	struct ko	ko;
	size_t		modoff = KO_EHDR + 5;

	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);

	/* .modinfo past the end, and offset + size wrapping around. */
	put_shdr(&ko, 2, KO_NAME_MODINFO, 1, ko.len, 1);
	expect_parse_error(&ko, ko.len, ".modinfo");
	put_shdr(&ko, 2, KO_NAME_MODINFO, 1, UINT64_MAX - 2, 16);
	expect_parse_error(&ko, ko.len, ".modinfo");
	put_shdr(&ko, 2, KO_NAME_MODINFO, 1, modoff, UINT64_MAX);
	expect_parse_error(&ko, ko.len, ".modinfo");
	put_shdr(&ko, 2, KO_NAME_MODINFO, 8, modoff, 16);	/* NOBITS */
	expect_parse_error(&ko, ko.len, ".modinfo");
	put_shdr(&ko, 2, KO_NAME_MODINFO, 1, modoff, sizeof EXT4_MODINFO);

	/* A section name offset outside the name table: no .modinfo. */
	put_shdr(&ko, 2, 0xfffffff0, 1, modoff, sizeof EXT4_MODINFO);
	expect_parse_error(&ko, ko.len, "no .modinfo");
	put_shdr(&ko, 2, KO_NAME_MODINFO, 1, modoff, sizeof EXT4_MODINFO);

	/* The name table itself out of bounds. */
	put(&ko, ko.shoff + 3 * KO_SHDR + 24, UINT64_MAX, 8);
	expect_parse_error(&ko, ko.len, "name table");
	ko_free(&ko);

	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);
	put(&ko, 40, UINT64_MAX - 10, 8);	/* e_shoff */
	expect_parse_error(&ko, ko.len, "out of bounds");
	put(&ko, 40, 0, 8);
	expect_parse_error(&ko, ko.len, "no ELF section");
	put(&ko, 40, ko.shoff, 8);
	put(&ko, 60, 0xfffe, 2);	/* e_shnum */
	expect_parse_error(&ko, ko.len, "out of bounds");
	put(&ko, 60, KO_NSECT, 2);
	put(&ko, 58, 8, 2);	/* e_shentsize */
	expect_parse_error(&ko, ko.len, "header size");
	put(&ko, 58, KO_SHDR, 2);
	put(&ko, 62, KO_NSECT, 2);	/* e_shstrndx */
	expect_parse_error(&ko, ko.len, "index");
	put(&ko, 62, 0xffff, 2);	/* SHN_XINDEX; section 0's link is 0 */
	expect_parse_error(&ko, ko.len, "index");
	ko_free(&ko);
}

static void
test_kmod_extended_section_count(void **state)
{
	struct ko		 ko;
	struct kmod_info	 ki;
	char			*cause = NULL;

	/* e_shnum 0 and e_shstrndx SHN_XINDEX: both live in section 0. */
	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);
	put(&ko, 60, 0, 2);
	put(&ko, 62, 0xffff, 2);
	put(&ko, ko.shoff + 32, KO_NSECT, 8);
	put(&ko, ko.shoff + 40, 3, 4);
	assert_int_equal(kmod_info_parse(ko.p, ko.len, &ki, &cause), 0);
	assert_string_equal(ki.name, "ext4");
	kmod_info_clear(&ki);

	put(&ko, ko.shoff + 32, UINT64_MAX, 8);
	expect_parse_error(&ko, ko.len, "out of bounds");
	ko_free(&ko);
}

static void
test_kmod_no_modinfo(void **state)
{
	struct ko	ko;

	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);
	memcpy(ko.p + KO_EHDR + 5 + sizeof EXT4_MODINFO + KO_NAME_MODINFO,
	    ".modinfX", 8);
	expect_parse_error(&ko, ko.len, "no .modinfo");
	ko_free(&ko);
}

static void
test_kmod_mutations_are_safe(void **state)
{
	struct ko		 ko;
	struct kmod_info	 ki;
	unsigned char		*copy;
	char			*cause;
	uint32_t		 seed = 12345;
	size_t			 iter, k, pos;
	int			 ok = 0, bad = 0;

	/* A tiny deterministic fuzz: flip bytes, parse, never crash. */
	ko_build(&ko, EXT4_MODINFO, sizeof EXT4_MODINFO, 0);
	copy = xmalloc(ko.len);
	for (iter = 0; iter < 20000; iter++) {
		memcpy(copy, ko.p, ko.len);
		for (k = 0; k < 1 + iter % 4; k++) {
			seed = seed * 1103515245 + 12345;
			pos = (seed >> 8) % ko.len;
			seed = seed * 1103515245 + 12345;
			copy[pos] = (unsigned char)(seed >> 16);
		}
		cause = NULL;
		if (kmod_info_parse(copy, ko.len, &ki, &cause) == 0) {
			assert_null(cause);
			kmod_info_clear(&ki);
			ok++;
		} else {
			assert_non_null(cause);
			free(cause);
			bad++;
		}
	}
	assert_true(ok > 0 && bad > 0);
	free(copy);
	ko_free(&ko);
}

static void
test_kmod_name_from_path(void **state)
{
	static const struct {
		const char	*path;
		const char	*want;
	} cases[] = {
		{ "kernel/drivers/virtio/virtio_pci.ko", "virtio_pci" },
		{ "a/b/virtio-rng.ko.xz", "virtio_rng" },
		{ "crc32c-intel.ko.zst", "crc32c_intel" },
		{ "x/evdev.ko.gz", "evdev" },
		{ "x/modules.dep", NULL },
		{ "x/.ko", NULL },
		{ "x/a b.ko", NULL },
		{ "x/foo.ko.bz3", NULL },
	};
	char	*name;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		name = kmod_name_from_path(cases[i].path);
		if (cases[i].want == NULL)
			assert_null(name);
		else
			assert_string_equal(name, cases[i].want);
		free(name);
	}
}

/* A module table from "name:dep,dep" strings. */
static struct kmod_info *
table(const char *const *spec, size_t n)
{
	struct kmod_info	*mods;
	const char		*colon, *p, *comma;
	size_t			 i;

	mods = xcalloc(n, sizeof *mods);
	for (i = 0; i < n; i++) {
		kmod_info_init(&mods[i]);
		colon = strchr(spec[i], ':');
		mods[i].name = xstrndup(spec[i], (size_t)(colon - spec[i]));
		for (p = colon + 1; *p != '\0'; p = comma + (*comma != '\0')) {
			comma = strchrnul(p, ',');
			strv_pushf(&mods[i].depends, "%.*s",
			    (int)(comma - p), p);
		}
	}
	return (mods);
}

static void
table_free(struct kmod_info *mods, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		kmod_info_clear(&mods[i]);
	free(mods);
}

static size_t
position(const struct kmod_info *mods, const size_t *order, size_t n,
    const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(mods[order[i]].name, name) == 0)
			return (i);
	}
	fail_msg("%s is not in the order", name);
	return (0);
}

static void
test_kmod_order_debian_virtio(void **state)
{
	static const char *const spec[] = {
		"virtio_blk:virtio,virtio_ring",
		"virtio_net:virtio_ring,virtio,net_failover",
		"net_failover:failover",
		("virtio_pci:virtio_ring,virtio_pci_modern_dev,"
		    "virtio_pci_legacy_dev,virtio"),
		"virtio:virtio_ring",
		"virtio_ring:",
		"virtio_pci_modern_dev:",
		"virtio_pci_legacy_dev:",
		"failover:",
		"ext4:jbd2,mbcache,crc16",
		"jbd2:", "mbcache:", "crc16:", "evdev:", "unrelated:virtio",
	};
	static const char *const wanted[] = {
		"virtio_pci", "virtio_blk", "virtio-net", "ext4", "evdev"
	};
	const size_t		 n = sizeof spec / sizeof spec[0];
	struct kmod_info	*mods = table(spec, n);
	size_t			*order, norder, i, j;
	char			*cause = NULL;

	assert_int_equal(kmod_order(mods, n, wanted, 5, &order, &norder,
	    &cause), 0);
	assert_null(cause);
	assert_int_equal(norder, n - 1);	/* all but "unrelated" */
	for (i = 0; i < norder; i++) {
		for (j = 0; j < mods[order[i]].depends.n; j++) {
			assert_true(position(mods, order, norder,
			    mods[order[i]].depends.v[j]) < i);
		}
	}
	assert_true(position(mods, order, norder, "virtio_ring") <
	    position(mods, order, norder, "virtio"));
	free(order);
	table_free(mods, n);
}

static void
test_kmod_order_diamond(void **state)
{
	static const char *const spec[] = {
		"top:left,right", "left:base", "right:base", "base:",
	};
	static const char *const wanted[] = { "top", "left" };
	struct kmod_info	*mods = table(spec, 4);
	size_t			*order, norder;
	char			*cause = NULL;

	assert_int_equal(kmod_order(mods, 4, wanted, 2, &order, &norder,
	    &cause), 0);
	assert_int_equal(norder, 4);	/* base only once */
	assert_string_equal(mods[order[0]].name, "base");
	assert_string_equal(mods[order[3]].name, "top");
	assert_true(position(mods, order, norder, "left") <
	    position(mods, order, norder, "top"));
	assert_true(position(mods, order, norder, "right") <
	    position(mods, order, norder, "top"));
	free(order);
	table_free(mods, 4);
}

static void
test_kmod_order_cycle(void **state)
{
	static const char *const spec[] = {
		"z:a", "a:b", "b:c", "c:a", "self:self",
	};
	static const char *const wanted[] = { "z" };
	static const char *const wself[] = { "self" };
	struct kmod_info	*mods = table(spec, 5);
	size_t			*order = NULL, norder = 0;
	char			*cause = NULL;

	assert_int_equal(kmod_order(mods, 5, wanted, 1, &order, &norder,
	    &cause), -1);
	assert_null(order);
	assert_int_equal(norder, 0);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "a -> b -> c -> a"));
	free(cause);

	cause = NULL;
	assert_int_equal(kmod_order(mods, 5, wself, 1, &order, &norder,
	    &cause), -1);
	assert_non_null(strstr(cause, "self -> self"));
	free(cause);
	table_free(mods, 5);
}

static void
test_kmod_order_missing(void **state)
{
	static const char *const spec[] = { "ext4:jbd2,mbcache", "jbd2:" };
	static const char *const wext4[] = { "ext4" };
	static const char *const wnone[] = { "btrfs" };
	struct kmod_info	*mods = table(spec, 2);
	size_t			*order = NULL, norder = 0;
	char			*cause = NULL;

	assert_int_equal(kmod_order(mods, 2, wext4, 1, &order, &norder,
	    &cause), -1);
	assert_string_equal(cause, "module ext4 needs mbcache, which is "
	    "missing");
	free(cause);
	cause = NULL;
	assert_int_equal(kmod_order(mods, 2, wnone, 1, &order, &norder,
	    &cause), -1);
	assert_string_equal(cause, "no module named btrfs");
	free(cause);
	table_free(mods, 2);
}

static void
test_kmod_order_duplicates_first_wins(void **state)
{
	static const char *const spec[] = { "a:b", "b:", "a:c" };
	static const char *const wanted[] = { "a", "a" };
	struct kmod_info	*mods = table(spec, 3);
	size_t			*order, norder;
	char			*cause = NULL;

	assert_int_equal(kmod_order(mods, 3, wanted, 2, &order, &norder,
	    &cause), 0);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	free(order);

	assert_int_equal(kmod_order(mods, 3, NULL, 0, &order, &norder,
	    &cause), 0);
	assert_int_equal(norder, 0);
	free(order);
	table_free(mods, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmod_modinfo_depends),
		cmocka_unit_test(test_kmod_modinfo_big_endian),
		cmocka_unit_test(test_kmod_modinfo_no_depends),
		cmocka_unit_test(test_kmod_modinfo_dashes_and_commas),
		cmocka_unit_test(test_kmod_modinfo_unterminated),
		cmocka_unit_test(test_kmod_modinfo_bad_names),
		cmocka_unit_test(test_kmod_truncated_header),
		cmocka_unit_test(test_kmod_elf32),
		cmocka_unit_test(test_kmod_not_elf64),
		cmocka_unit_test(test_kmod_section_offsets_out_of_bounds),
		cmocka_unit_test(test_kmod_extended_section_count),
		cmocka_unit_test(test_kmod_no_modinfo),
		cmocka_unit_test(test_kmod_mutations_are_safe),
		cmocka_unit_test(test_kmod_name_from_path),
		cmocka_unit_test(test_kmod_order_debian_virtio),
		cmocka_unit_test(test_kmod_order_diamond),
		cmocka_unit_test(test_kmod_order_cycle),
		cmocka_unit_test(test_kmod_order_missing),
		cmocka_unit_test(test_kmod_order_duplicates_first_wins),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
