/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inspecting an image from outside by its bytes, before QEMU opens it. */
#include "config.h"

#include "images/imgcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "images/template.h"
#include "util/xmalloc.h"

/* qcow2 (docs/interop/qcow2.txt). */
#define QCOW2_V2_HEADER		72
#define QCOW2_V3_HEADER		104
#define QCOW2_INCOMPAT_DATA	(1ULL << 2)	/* external data file */
#define QCOW2_INCOMPAT_KNOWN	0x1fULL		/* bits QEMU 7.2 knows */
#define QCOW2_EXT_DATA_FILE	0x44415441U	/* "DATA" */
#define QCOW2_BACKING_MAX	1023		/* as QEMU reads it */
/* VMDK (VMware's "Virtual Disk Format 1.1"), as QEMU's vmdk.c reads it. */
#define VMDK4_HEADER		80
#define VMDK_SECTOR		512
#define VMDK_DESC_MAX		(1U << 20)	/* longest descriptor read */
#define VMDK_PARENT		"parentFileNameHint"
/* VHD: the footer's disk type (2 fixed, 3 dynamic, 4 differencing). */
#define VHD_FOOTER		512
#define VHD_TYPE_DIFF		4
/* Longest name shown in a message. */
#define IMGCHECK_NAME_MAX	200

/* What the first bytes say, as QEMU's probes would. */
enum imgcheck_kind {
	IMGCHECK_PLAIN,		/* no format QEMU knows: raw */
	IMGCHECK_QCOW2,
	IMGCHECK_VMDK,		/* sparse, KDMV */
	IMGCHECK_VMDKDESC,	/* a text descriptor */
	IMGCHECK_VHD,
	IMGCHECK_ISO,
	IMGCHECK_OTHER		/* a format vmdesk does not take */
};

/*
 * Magic numbers QEMU 7.2's block drivers probe, and what vmdesk makes of
 * them. Formats that can name other files (qed, qcow v1, vhdx parents,
 * parallels) or need more than the file (luks) are not taken.
 */
static const struct imgcheck_magic {
	uint64_t		 offset;
	const char		*bytes;
	size_t			 len;
	enum imgcheck_kind	 kind;
	const char		*name;
} imgcheck_magics[] = {
	{ 0, "QFI\xfb", 4, IMGCHECK_QCOW2, "qcow2" },
	{ 0, "KDMV", 4, IMGCHECK_VMDK, "VMDK" },
	{ 0, "conectix", 8, IMGCHECK_VHD, "VHD" },
	{ 0, "COWD", 4, IMGCHECK_OTHER, "VMDK version 3 (COWD)" },
	{ 0, "QFI\0", 4, IMGCHECK_OTHER, "QED" },
	{ 0, "vhdxfile", 8, IMGCHECK_OTHER, "VHDX" },
	{ 0, "LUKS\xba\xbe", 6, IMGCHECK_OTHER, "LUKS" },
	{ 0, "WithoutFreeSpace", 16, IMGCHECK_OTHER, "Parallels" },
	{ 0, "WithouFreSpacExt", 16, IMGCHECK_OTHER, "Parallels" },
	{ 0, "Bochs Virtual HD Image", 22, IMGCHECK_OTHER, "Bochs" },
	{ 0, "#!/bin/sh\n#V2.0 Format", 22, IMGCHECK_OTHER, "cloop" },
	{ 0x40, "\x7f\x10\xda\xbe", 4, IMGCHECK_OTHER, "VDI" },
	{ 0x8001, "CD001", 5, IMGCHECK_ISO, "ISO 9660" },
};

/* The names of enum template_format, for messages. */
static const char *const imgcheck_format_names[] = {
	"qcow2", "raw", "VMDK", "VHD", "ISO"
};

static uint32_t
imgcheck_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static uint64_t
imgcheck_be64(const unsigned char *p)
{
	return ((uint64_t)imgcheck_be32(p) << 32 | imgcheck_be32(p + 4));
}

static uint64_t
imgcheck_le64(const unsigned char *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (v);
}

/* Read exactly n bytes at off: 0, or -1 when the image is shorter. */
static int
imgcheck_read(const struct imgcheck_src *s, void *buf, size_t n, uint64_t off)
{
	ssize_t	got;

	if (off > s->size || n > s->size - off)
		return (-1);
	got = s->read(s->arg, buf, n, off);
	return (got >= 0 && (size_t)got == n ? 0 : -1);
}

/* A name from the image, fit for a message. Caller frees. */
static char *
imgcheck_name(const char *p, size_t len)
{
	char	*s;
	size_t	 i;

	if (len > IMGCHECK_NAME_MAX)
		len = IMGCHECK_NAME_MAX;
	s = xstrndup(p, len);
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			s[i] = '?';
	}
	return (s);
}

/* QEMU's VMDK text probe: comments and blank lines, then version=N. */
static int
imgcheck_vmdk_text(const char *p, size_t len)
{
	const char	*end = p + len;

	while (p < end) {
		if (*p == '#') {
			while (p < end && *p != '\n')
				p++;
			p++;
			continue;
		}
		if (*p == ' ') {
			while (p < end && *p == ' ')
				p++;
			if (p < end && *p == '\r')
				p++;
			if (p == end || *p != '\n')
				return (0);
			p++;
			continue;
		}
		return ((size_t)(end - p) >= 10 && strncmp(p, "version=", 8) ==
		    0 && p[8] >= '1' && p[8] <= '3' && (p[9] == '\n' ||
		    (p[9] == '\r' && end - p >= 11 && p[10] == '\n')));
	}
	return (0);
}

/* What the image's bytes are; *name says which format for OTHER. */
static enum imgcheck_kind
imgcheck_kind(const struct imgcheck_src *s, const char **name)
{
	const struct imgcheck_magic	*m;
	char				 buf[512];
	size_t				 i, n;

	for (i = 0; i < sizeof imgcheck_magics / sizeof imgcheck_magics[0];
	    i++) {
		m = &imgcheck_magics[i];
		if (imgcheck_read(s, buf, m->len, m->offset) == 0 &&
		    memcmp(buf, m->bytes, m->len) == 0) {
			*name = m->name;
			return (m->kind);
		}
	}
	*name = "VHD";
	if (s->size >= VHD_FOOTER && imgcheck_read(s, buf, 8,
	    s->size - VHD_FOOTER) == 0 && memcmp(buf, "conectix", 8) == 0)
		return (IMGCHECK_VHD);
	*name = "VMDK descriptor";
	n = s->size < sizeof buf ? (size_t)s->size : sizeof buf;
	if (imgcheck_read(s, buf, n, 0) == 0 && imgcheck_vmdk_text(buf, n))
		return (IMGCHECK_VMDKDESC);
	*name = "raw";
	return (IMGCHECK_PLAIN);
}

/* ---- qcow2 --------------------------------------------------------------- */

/* The backing file a qcow2 header names: only the one allowed. */
static int
imgcheck_qcow2_backing(const struct imgcheck_src *s, const unsigned char *h,
    const char *backing, int flags, char **cause)
{
	uint64_t	 off = imgcheck_be64(h + 8);
	uint32_t	 len = imgcheck_be32(h + 16);
	char		 name[QCOW2_BACKING_MAX + 1], *shown;

	if (off == 0 || len == 0)
		return (0);
	if (len > QCOW2_BACKING_MAX || imgcheck_read(s, name, len, off) != 0) {
		*cause = xasprintf("%s: its qcow2 header names a backing file "
		    "that cannot be read (%u bytes at %llu): refused", s->what,
		    len, (unsigned long long)off);
		return (-1);
	}
	name[len] = '\0';
	if (flags & IMGCHECK_BACKING_ANY)
		return (0);
	if (backing != NULL && strlen(name) == len &&
	    strcmp(name, backing) == 0)
		return (0);
	shown = imgcheck_name(name, len);
	*cause = xasprintf("%s: the qcow2 image names a backing file, '%s', "
	    "outside it: refused (QEMU would let the guest read that file)",
	    s->what, shown);
	free(shown);
	return (-1);
}

/* Header extensions, to the end of the first cluster: no data file. */
static int
imgcheck_qcow2_exts(const struct imgcheck_src *s, uint64_t off,
    uint64_t end, char **cause)
{
	unsigned char	 e[8];
	char		 name[IMGCHECK_NAME_MAX + 1], *shown;
	uint32_t	 type, len;

	while (off + 8 <= end && imgcheck_read(s, e, 8, off) == 0) {
		type = imgcheck_be32(e);
		len = imgcheck_be32(e + 4);
		if (type == 0)
			break;
		if (type == QCOW2_EXT_DATA_FILE) {
			if (len > IMGCHECK_NAME_MAX)
				len = IMGCHECK_NAME_MAX;
			if (imgcheck_read(s, name, len, off + 8) != 0)
				len = 0;
			shown = imgcheck_name(name, len);
			*cause = xasprintf("%s: the qcow2 image names an "
			    "external data file, '%s': refused (QEMU would "
			    "let the guest write that file)", s->what, shown);
			free(shown);
			return (-1);
		}
		off += 8 + (((uint64_t)len + 7) & ~7ULL);
	}
	return (0);
}

static int
imgcheck_qcow2(const struct imgcheck_src *s, const char *backing, int flags,
    char **cause)
{
	unsigned char	 h[QCOW2_V3_HEADER];
	uint64_t	 incompat = 0, hlen = QCOW2_V2_HEADER, cluster;
	uint32_t	 version, bits;

	memset(h, 0, sizeof h);
	if (imgcheck_read(s, h, QCOW2_V2_HEADER, 0) != 0) {
		*cause = xasprintf("%s: its qcow2 header is cut short",
		    s->what);
		return (-1);
	}
	version = imgcheck_be32(h + 4);
	bits = imgcheck_be32(h + 20);
	if (version == 3) {
		if (imgcheck_read(s, h, QCOW2_V3_HEADER, 0) != 0) {
			*cause = xasprintf("%s: its qcow2 header is cut short",
			    s->what);
			return (-1);
		}
		incompat = imgcheck_be64(h + 72);
		hlen = imgcheck_be32(h + 100);
	}
	if (version != 2 && version != 3) {
		*cause = xasprintf("%s: qcow version %u is not taken (only "
		    "qcow2, versions 2 and 3)", s->what, version);
		return (-1);
	}
	cluster = 1ULL << (bits >= 9 && bits <= 21 ? bits : 16);
	/* The extension first: it names the file. */
	if (imgcheck_qcow2_exts(s, hlen, cluster, cause) != 0)
		return (-1);
	if (incompat & QCOW2_INCOMPAT_DATA) {
		*cause = xasprintf("%s: the qcow2 image keeps its data in an "
		    "external data file: refused (QEMU would let the guest "
		    "write that file)", s->what);
		return (-1);
	}
	if ((incompat & ~QCOW2_INCOMPAT_KNOWN) != 0 || bits < 9 || bits > 21 ||
	    hlen < QCOW2_V2_HEADER || imgcheck_be32(h + 32) != 0) {
		*cause = xasprintf("%s: a qcow2 image with features vmdesk "
		    "does not take (encryption, unknown bits or sizes): "
		    "refused", s->what);
		return (-1);
	}
	return (imgcheck_qcow2_backing(s, h, backing, flags, cause));
}

/* ---- VMDK ---------------------------------------------------------------- */

/*
 * The first extent a descriptor names: a line "ACCESS SECTORS TYPE
 * "FILE" ...". Caller frees; NULL when it names none.
 */
static char *
imgcheck_vmdk_extent(const char *text)
{
	static const char *const	 access[] = { "RW", "RDONLY",
					     "NOACCESS" };
	const char			*line, *q, *end;
	size_t				 i, n;

	for (line = text; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if (end != NULL)
			end++;
		while (*line == ' ' || *line == '\t')
			line++;
		for (i = 0; i < sizeof access / sizeof access[0]; i++) {
			n = strlen(access[i]);
			if (strncmp(line, access[i], n) != 0 ||
			    (line[n] != ' ' && line[n] != '\t'))
				continue;
			q = strchr(line, '"');
			if (q == NULL || (end != NULL && q > end))
				return (xstrdup(""));
			line = q + 1;
			q = strchr(line, '"');
			if (q == NULL || (end != NULL && q > end))
				q = end != NULL ? end - 1 : line + strlen(line);
			return (imgcheck_name(line, (size_t)(q - line)));
		}
	}
	return (NULL);
}

/* A descriptor's text (at most VMDK_DESC_MAX bytes). Caller frees. */
static char *
imgcheck_vmdk_desc(const struct imgcheck_src *s, uint64_t off, uint64_t len)
{
	char	*text;

	if (off > s->size)
		return (xstrdup(""));
	if (len > s->size - off)
		len = s->size - off;
	if (len > VMDK_DESC_MAX)
		len = VMDK_DESC_MAX;
	text = xmalloc((size_t)len + 1);
	if (imgcheck_read(s, text, (size_t)len, off) != 0)
		len = 0;
	text[len] = '\0';
	/* A NUL ends it for QEMU too. */
	return (text);
}

/* A descriptor whose extents QEMU follows: refused, naming the first. */
static int
imgcheck_vmdk_refuse(const struct imgcheck_src *s, const char *text,
    char **cause)
{
	char	*ext;

	if ((ext = imgcheck_vmdk_extent(text)) == NULL) {
		*cause = xasprintf("%s: a VMDK descriptor that names no data "
		    "of its own: refused", s->what);
		return (-1);
	}
	*cause = xasprintf("%s: the VMDK descriptor keeps its data in '%s', "
	    "a file outside the image: refused (qemu-img would copy that "
	    "file into the disk)", s->what, ext);
	free(ext);
	return (-1);
}

static int
imgcheck_vmdk_parent(const struct imgcheck_src *s, const char *text,
    char **cause)
{
	if (strstr(text, VMDK_PARENT) == NULL)
		return (0);
	*cause = xasprintf("%s: the VMDK image names a parent (%s) outside "
	    "it: refused (QEMU would let the guest read that file)", s->what,
	    VMDK_PARENT);
	return (-1);
}

/*
 * A sparse VMDK (monolithicSparse, streamOptimized) holds its own data.
 * QEMU reads the extents of its embedded descriptor only when the header
 * gives no capacity, and a parent from the descriptor's sector.
 */
static int
imgcheck_vmdk(const struct imgcheck_src *s, char **cause)
{
	unsigned char	 h[VMDK4_HEADER];
	uint64_t	 capacity, doff, dlen;
	char		*text;
	int		 rc;

	if (imgcheck_read(s, h, sizeof h, 0) != 0) {
		*cause = xasprintf("%s: its VMDK header is cut short", s->what);
		return (-1);
	}
	capacity = imgcheck_le64(h + 12);
	doff = imgcheck_le64(h + 28);
	dlen = imgcheck_le64(h + 36);
	if (doff > UINT64_MAX / VMDK_SECTOR)
		doff = UINT64_MAX / VMDK_SECTOR;
	if (dlen > VMDK_DESC_MAX / VMDK_SECTOR)
		dlen = VMDK_DESC_MAX / VMDK_SECTOR;
	if (capacity == 0 && doff != 0) {
		text = imgcheck_vmdk_desc(s, doff * VMDK_SECTOR, VMDK_DESC_MAX);
		rc = imgcheck_vmdk_refuse(s, text, cause);
		free(text);
		return (rc);
	}
	text = imgcheck_vmdk_desc(s, VMDK_SECTOR, VMDK_SECTOR);
	rc = imgcheck_vmdk_parent(s, text, cause);
	free(text);
	if (rc == 0 && doff != 0) {
		text = imgcheck_vmdk_desc(s, doff * VMDK_SECTOR,
		    dlen * VMDK_SECTOR);
		rc = imgcheck_vmdk_parent(s, text, cause);
		free(text);
	}
	return (rc);
}

/* ---- The verdict --------------------------------------------------------- */

/* The format a kind is taken as, or -1. */
static int
imgcheck_format_of(enum imgcheck_kind kind)
{
	static const int	formats[] = {
		[IMGCHECK_PLAIN] = TEMPLATE_FORMAT_RAW,
		[IMGCHECK_QCOW2] = TEMPLATE_FORMAT_QCOW2,
		[IMGCHECK_VMDK] = TEMPLATE_FORMAT_VMDK,
		[IMGCHECK_VMDKDESC] = TEMPLATE_FORMAT_VMDK,
		[IMGCHECK_VHD] = TEMPLATE_FORMAT_VHD,
		[IMGCHECK_ISO] = TEMPLATE_FORMAT_ISO,
		[IMGCHECK_OTHER] = -1,
	};

	return (formats[kind]);
}

/* A VHD that is a differencing disk names its parent. */
static int
imgcheck_vhd(const struct imgcheck_src *s, char **cause)
{
	unsigned char	f[64];

	if ((imgcheck_read(s, f, sizeof f, 0) == 0 &&
	    memcmp(f, "conectix", 8) == 0) || (s->size >= VHD_FOOTER &&
	    imgcheck_read(s, f, sizeof f, s->size - VHD_FOOTER) == 0)) {
		if (imgcheck_be32(f + 60) != VHD_TYPE_DIFF)
			return (0);
	}
	*cause = xasprintf("%s: a differencing VHD names a parent outside "
	    "it: refused", s->what);
	return (-1);
}

/* Whether the bytes may be taken as format, a format vmdesk names. */
static int
imgcheck_match(const struct imgcheck_src *s, int format,
    enum imgcheck_kind kind, const char *name, char **cause)
{
	if (kind == IMGCHECK_OTHER) {
		*cause = xasprintf("%s: a %s image, a format vmdesk does not "
		    "take (it could name other files): refused", s->what,
		    name);
		return (-1);
	}
	if (format < 0 || format == TEMPLATE_FORMAT_RAW)
		return (0);
	if (format == TEMPLATE_FORMAT_ISO) {
		/* QEMU probes a CD-ROM's format: only raw bytes go in. */
		if (kind == IMGCHECK_PLAIN || kind == IMGCHECK_ISO)
			return (0);
		*cause = xasprintf("%s: a %s image, not an ISO: refused",
		    s->what, name);
		return (-1);
	}
	/* Given as VMDK, whatever is not sparse is read as a descriptor. */
	if (format == TEMPLATE_FORMAT_VMDK || imgcheck_format_of(kind) ==
	    format)
		return (0);
	*cause = xasprintf("%s: not a %s image (its bytes are %s)", s->what,
	    imgcheck_format_names[format], name);
	return (-1);
}

int
imgcheck_inspect(const struct imgcheck_src *s, int format,
    const char *backing, int flags, char **cause)
{
	enum imgcheck_kind	 kind;
	const char		*name;
	char			*text;
	int			 rc;

	kind = imgcheck_kind(s, &name);
	if (imgcheck_match(s, format, kind, name, cause) != 0)
		return (-1);
	if (format == TEMPLATE_FORMAT_RAW || format == TEMPLATE_FORMAT_ISO)
		return (format);
	if (format == TEMPLATE_FORMAT_VMDK && kind != IMGCHECK_VMDK)
		kind = IMGCHECK_VMDKDESC;
	switch (kind) {
	case IMGCHECK_QCOW2:
		rc = imgcheck_qcow2(s, backing, flags, cause);
		break;
	case IMGCHECK_VMDK:
		rc = imgcheck_vmdk(s, cause);
		break;
	case IMGCHECK_VMDKDESC:
		text = imgcheck_vmdk_desc(s, 0, VMDK_DESC_MAX);
		rc = imgcheck_vmdk_refuse(s, text, cause);
		free(text);
		break;
	case IMGCHECK_VHD:
		rc = imgcheck_vhd(s, cause);
		break;
	default:
		rc = 0;
		break;
	}
	return (rc == 0 ? imgcheck_format_of(kind) : -1);
}

/* ---- Readers ------------------------------------------------------------- */

struct imgcheck_mem {
	const unsigned char	*p;
	size_t			 len;
};

static ssize_t
imgcheck_mem_read(void *arg, void *buf, size_t n, uint64_t off)
{
	struct imgcheck_mem	*m = arg;

	if (off >= m->len)
		return (0);
	if (n > m->len - off)
		n = m->len - (size_t)off;
	memcpy(buf, m->p + off, n);
	return ((ssize_t)n);
}

int
imgcheck_buffer(const void *p, size_t len, const char *what, int format,
    const char *backing, int flags, char **cause)
{
	struct imgcheck_mem	m = { p, len };
	struct imgcheck_src	s;

	s.read = imgcheck_mem_read;
	s.arg = &m;
	s.size = len;
	s.what = what;
	return (imgcheck_inspect(&s, format, backing, flags, cause));
}

static ssize_t
imgcheck_fd_read(void *arg, void *buf, size_t n, uint64_t off)
{
	int	fd = *(int *)arg;
	ssize_t	got;
	size_t	done = 0;

	while (done < n) {
		got = pread(fd, (char *)buf + done, n - done,
		    (off_t)(off + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return (got < 0 ? -1 : (ssize_t)done);
		done += (size_t)got;
	}
	return ((ssize_t)done);
}

int
imgcheck_file(const char *path, const char *what, int format,
    const char *backing, int flags, char **cause)
{
	struct imgcheck_src	s;
	off_t			end;
	int			fd, rc;

	if ((fd = open(path, O_RDONLY|O_NOFOLLOW|O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if ((end = lseek(fd, 0, SEEK_END)) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	s.read = imgcheck_fd_read;
	s.arg = &fd;
	s.size = (uint64_t)end;
	s.what = what != NULL ? what : path;
	rc = imgcheck_inspect(&s, format, backing, flags, cause);
	close(fd);
	return (rc);
}

char *
imgcheck_qemu_source(const char *path, const char *format)
{
	json_t	*j;
	char	*text, *s;

	j = json_pack("{s:s, s:{s:s, s:s}}", "driver", format, "file",
	    "driver", "file", "filename", path);
	if (j == NULL)
		fatal("cannot build JSON");
	if (strcmp(format, "qcow2") == 0)
		json_object_set_new(j, "backing", json_null());
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL)
		fatal("cannot format JSON");
	s = xasprintf("json:%s", text);
	free(text);
	return (s);
}
