/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OVA appliances: the OVF read with libxml2, VMDK disks made qcow2. */
#include "config.h"

#include "ops/ova.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "backend/qemu_img.h"
#include "core/names.h"
#include "images/imgcheck.h"
#include "images/template.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/lazy_archive.h"
#include "util/lazy_xml.h"
#include "util/proc.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* Largest OVF descriptor read into memory. */
#define OVA_MAX_OVF		(4U << 20)
#define OVA_CHUNK		(1U << 20)
/* CIM resource types (DMTF CIM_ResourceAllocationSettingData). */
#define OVA_RT_CPU		3
#define OVA_RT_MEMORY		4
#define OVA_RT_IDE		5
#define OVA_RT_SCSI		6
#define OVA_RT_NIC		10
#define OVA_RT_DISK		17
#define OVA_RT_SATA		20

/* A hardware item, as far as it matters here. */
struct ova_item {
	long		 type;
	char		*quantity;
	char		*units;
	char		*host;		/* HostResource: "ovf:/disk/ID" */
	char		*instance;
	char		*parent;
	char		*subtype;
};

/* OVF text is namespaced; vmdesk matches local names only. */
static int
ova_is(const xmlNode *n, const char *name)
{
	return (n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0);
}

/* An attribute by local name, whatever its namespace. Caller frees. */
static char *
ova_attr(const xmlNode *n, const char *name)
{
	const xmlAttr	*a;
	xmlChar		*v;
	char		*s;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		v = xmlNodeGetContent((const xmlNode *)a);
		s = xstrdup(v != NULL ? (const char *)v : "");
		xmlFree(v);
		return (s);
	}
	return (NULL);
}

/* An element's text, trimmed. Caller frees. */
static char *
ova_text(const xmlNode *n)
{
	xmlChar	*v;
	char	*s, *p, *e;

	v = xmlNodeGetContent(n);
	p = v != NULL ? (char *)v : (char *)"";
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	s = xstrndup(p, (size_t)(e - p));
	xmlFree(v);
	return (s);
}

static const xmlNode *
ova_find(const xmlNode *n, const char *name)
{
	const xmlNode	*c, *r;

	for (; n != NULL; n = n->next) {
		if (ova_is(n, name))
			return (n);
		if ((c = n->children) != NULL &&
		    (r = ova_find(c, name)) != NULL)
			return (r);
	}
	return (NULL);
}

/*
 * "byte * 2^20", "byte*1024", "MegaBytes", "MB": a multiplier, or 0 when
 * the text is not one.
 */
static uint64_t
ova_units(const char *units, uint64_t dflt)
{
	static const struct {
		const char	*name;
		unsigned	 shift;
	} names[] = {
		{ "byte", 0 }, { "bytes", 0 },
		{ "KB", 10 }, { "KiloBytes", 10 },
		{ "MB", 20 }, { "MegaBytes", 20 }, { "GB", 30 },
		{ "GigaBytes", 30 }, { "TB", 40 }, { "TeraBytes", 40 },
	};
	const char	*p;
	char		*end;
	unsigned long	 base, exp;
	size_t		 i;

	if (units == NULL || *units == '\0')
		return (dflt);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(units, names[i].name) == 0)
			return (1ULL << names[i].shift);
	}
	if (strncasecmp(units, "byte", 4) != 0)
		return (0);
	p = units + 4;
	while (*p == ' ')
		p++;
	if (*p++ != '*')
		return (0);
	while (*p == ' ')
		p++;
	errno = 0;
	base = strtoul(p, &end, 10);
	if (errno != 0 || end == p)
		return (0);
	if (*end == '\0')
		return (base > 0 && base <= (1UL << 40) ? base : 0);
	if (*end != '^' || base != 2)
		return (0);
	p = end + 1;
	exp = strtoul(p, &end, 10);
	if (end == p || *end != '\0' || exp > 40)
		return (0);
	return (1ULL << exp);
}

/* A quantity times its units, or -1 when either is not understood. */
static int
ova_amount(const char *qty, const char *units, uint64_t dflt, uint64_t *out)
{
	unsigned long long	 n;
	uint64_t		 mul;
	char			*end;

	if (qty == NULL || *qty == '\0' || *qty == '-')
		return (-1);
	errno = 0;
	n = strtoull(qty, &end, 10);
	if (errno != 0 || *end != '\0' || (mul = ova_units(units,
	    dflt)) == 0 || (n != 0 && mul > UINT64_MAX / n))
		return (-1);
	*out = n * mul;
	return (0);
}

static void
ova_item_clear(struct ova_item *it)
{
	free(it->quantity);
	free(it->units);
	free(it->host);
	free(it->instance);
	free(it->parent);
	free(it->subtype);
	memset(it, 0, sizeof *it);
}

static void
ova_item_read(const xmlNode *n, struct ova_item *it)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} fields[] = {
		{ "VirtualQuantity", offsetof(struct ova_item, quantity) },
		{ "AllocationUnits", offsetof(struct ova_item, units) },
		{ "HostResource", offsetof(struct ova_item, host) },
		{ "InstanceID", offsetof(struct ova_item, instance) },
		{ "Parent", offsetof(struct ova_item, parent) },
		{ "ResourceSubType", offsetof(struct ova_item, subtype) },
	};
	const xmlNode	*c;
	char		*s, **sp, *end;
	size_t		 i;

	memset(it, 0, sizeof *it);
	it->type = -1;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (ova_is(c, "ResourceType")) {
			s = ova_text(c);
			it->type = strtol(s, &end, 10);
			if (*end != '\0' || end == s)
				it->type = -1;
			free(s);
			continue;
		}
		for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			if (!ova_is(c, fields[i].name))
				continue;
			sp = (char **)((char *)it + fields[i].off);
			if (*sp == NULL)
				*sp = ova_text(c);
		}
	}
}

void
ova_spec_free(struct ova_spec *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndisks; i++)
		free(s->disks[i].href);
	free(s->disks);
	free(s->name);
	free(s);
}

/* Whether an href names a plain member of the OVA (no folder, no URL). */
static int
ova_plain(const char *s)
{
	size_t	i;

	if (*s == '\0' || *s == '.' || *s == '-' || strlen(s) > 255)
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '-' || s[i] == '_')
			continue;
		return (0);
	}
	return (1);
}

/* The File of References with this id: its href. */
static char *
ova_file_href(const xmlNode *refs, const char *id)
{
	const xmlNode	*c;
	char		*fid, *href;

	if (refs == NULL)
		return (NULL);
	for (c = refs->children; c != NULL; c = c->next) {
		if (!ova_is(c, "File"))
			continue;
		fid = ova_attr(c, "id");
		if (fid != NULL && strcmp(fid, id) == 0) {
			free(fid);
			if ((href = ova_attr(c, "href")) != NULL)
				return (href);
			return (xstrdup(""));
		}
		free(fid);
	}
	return (NULL);
}

/* The disks of DiskSection, with their files and capacities. */
static int
ova_disks(const xmlNode *root, struct ova_spec *s, struct strv *ids,
    char **cause)
{
	const xmlNode	*refs, *sec, *c;
	char		*id, *ref, *cap, *units, *href;
	struct ova_disk	*d;
	int		 rc = 0;

	refs = ova_find(root->children, "References");
	if ((sec = ova_find(root->children, "DiskSection")) == NULL)
		return (0);
	for (c = sec->children; c != NULL && rc == 0; c = c->next) {
		if (!ova_is(c, "Disk"))
			continue;
		id = ova_attr(c, "diskId");
		ref = ova_attr(c, "fileRef");
		cap = ova_attr(c, "capacity");
		units = ova_attr(c, "capacityAllocationUnits");
		href = NULL;
		if (id == NULL || ref == NULL) {
			*cause = xstrdup("a Disk lacks ovf:diskId or "
			    "ovf:fileRef");
			rc = -1;
		} else if ((href = ova_file_href(refs, ref)) == NULL) {
			*cause = xasprintf("disk %s names file '%s', which "
			    "References lacks", id, ref);
			rc = -1;
		} else if (!ova_plain(href)) {
			*cause = xasprintf("disk %s: file '%s' is not a plain "
			    "member name", id, href);
			rc = -1;
		} else {
			s->disks = xreallocarray(s->disks, s->ndisks + 1,
			    sizeof *s->disks);
			d = &s->disks[s->ndisks++];
			memset(d, 0, sizeof *d);
			d->href = href;
			href = NULL;
			d->bus = VM_BUS_SATA;
			if (cap != NULL && ova_amount(cap, units, 1,
			    &d->capacity) != 0) {
				*cause = xasprintf("disk %s: capacity '%s' "
				    "(units '%s') not understood", id, cap,
				    units != NULL ? units : "byte");
				rc = -1;
			}
			strv_push(ids, id);
		}
		free(id);
		free(ref);
		free(cap);
		free(units);
		free(href);
	}
	return (rc);
}

/* The controller an item hangs off: its bus. */
static enum vm_disk_bus
ova_bus(const struct ova_item *items, size_t n, const char *parent)
{
	size_t	i;

	if (parent == NULL)
		return (VM_BUS_SATA);
	for (i = 0; i < n; i++) {
		if (items[i].instance == NULL ||
		    strcmp(items[i].instance, parent) != 0)
			continue;
		switch (items[i].type) {
		case OVA_RT_IDE:
			return (VM_BUS_IDE);
		case OVA_RT_SCSI:
			return (VM_BUS_SCSI);
		default:
			return (VM_BUS_SATA);
		}
	}
	return (VM_BUS_SATA);
}

static int
ova_hardware(const xmlNode *vs, struct ova_spec *s, const struct strv *ids,
    char **cause)
{
	const xmlNode	*hw, *c;
	struct ova_item	*items = NULL;
	const char	*id;
	size_t		 n = 0, i;
	long		 cpus;
	char		*end;
	int		 rc = -1, k;

	if ((hw = ova_find(vs->children, "VirtualHardwareSection")) == NULL) {
		*cause = xstrdup("the virtual system has no "
		    "VirtualHardwareSection");
		return (-1);
	}
	for (c = hw->children; c != NULL; c = c->next) {
		if (!ova_is(c, "Item") && !ova_is(c, "StorageItem") &&
		    !ova_is(c, "EthernetPortItem"))
			continue;
		items = xreallocarray(items, n + 1, sizeof *items);
		ova_item_read(c, &items[n++]);
	}
	for (i = 0; i < n; i++) {
		switch (items[i].type) {
		case OVA_RT_CPU:
			errno = 0;
			cpus = items[i].quantity != NULL ?
			    strtol(items[i].quantity, &end, 10) : 0;
			if (items[i].quantity == NULL || *end != '\0' ||
			    cpus < 1 || cpus > VMDEF_CPUS_MAX) {
				*cause = xasprintf("CPU count '%s' is not 1 "
				    "to %d", items[i].quantity != NULL ?
				    items[i].quantity : "", VMDEF_CPUS_MAX);
				goto out;
			}
			s->cpus = (int)cpus;
			break;
		case OVA_RT_MEMORY:
			/* Without AllocationUnits, OVF tools mean MB. */
			if (ova_amount(items[i].quantity, items[i].units,
			    1ULL << 20, &s->memory) != 0 ||
			    s->memory < VMDEF_MEMORY_MIN ||
			    s->memory > VMDEF_MEMORY_MAX) {
				*cause = xasprintf("memory '%s' (units '%s') "
				    "is not understood or not 16M to 1T",
				    items[i].quantity != NULL ?
				    items[i].quantity : "", items[i].units !=
				    NULL ? items[i].units : "MB");
				goto out;
			}
			break;
		case OVA_RT_NIC:
			s->nnics++;
			if (items[i].subtype != NULL &&
			    strcasestr(items[i].subtype, "virtio") != NULL)
				s->nic_model = VM_NIC_VIRTIO;
			break;
		case OVA_RT_DISK:
			if (items[i].host == NULL ||
			    (id = strrchr(items[i].host, '/')) == NULL)
				break;
			if ((k = strv_find(ids, id + 1)) < 0) {
				*cause = xasprintf("a disk drive names '%s', "
				    "which DiskSection lacks", items[i].host);
				goto out;
			}
			s->disks[k].bus = ova_bus(items, n, items[i].parent);
			break;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		ova_item_clear(&items[i]);
	free(items);
	return (rc);
}

/*
 * UEFI firmware, as VMware writes it (<vmw:Config vmw:key="firmware"
 * vmw:value="efi"/>) or VirtualBox (<Firmware type="EFI"/>).
 */
static int
ova_efi(const xmlNode *n)
{
	char	*k, *v;
	int	 efi = 0;

	for (; n != NULL && !efi; n = n->next) {
		if (ova_is(n, "Config")) {
			k = ova_attr(n, "key");
			v = ova_attr(n, "value");
			efi = k != NULL && v != NULL &&
			    strcmp(k, "firmware") == 0 &&
			    strncasecmp(v, "efi", 3) == 0;
			free(k);
			free(v);
		} else if (ova_is(n, "Firmware")) {
			v = ova_attr(n, "type");
			efi = v != NULL && strncasecmp(v, "efi", 3) == 0;
			free(v);
		}
		if (!efi && n->children != NULL)
			efi = ova_efi(n->children);
	}
	return (efi);
}

struct ova_spec *
ova_parse(const char *text, size_t len, char **cause)
{
	xmlDoc		*doc;
	const xmlNode	*root, *vs, *nm;
	const xmlError	*err;
	struct ova_spec	*s;
	struct strv	 ids;
	char		*id;

	if (len > INT32_MAX) {
		*cause = xstrdup("the OVF is too large");
		return (NULL);
	}
	if (lazy_xml_load(cause) != 0)
		return (NULL);
	/* No network, no entity expansion, no DTD: outside input. */
	doc = xmlReadMemory(text, (int)len, "ovf", NULL,
	    XML_PARSE_NONET|XML_PARSE_NOERROR|XML_PARSE_NOWARNING);
	if (doc == NULL) {
		err = xmlGetLastError();
		if (err != NULL && err->message != NULL) {
			id = xstrndup(err->message, strcspn(err->message,
			    "\n"));
			*cause = xasprintf("the OVF is not well-formed XML "
			    "(line %d: %s)", err->line, id);
			free(id);
		} else
			*cause = xstrdup("the OVF is not well-formed XML");
		return (NULL);
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !ova_is(root, "Envelope")) {
		*cause = xasprintf("not an OVF descriptor (its root element is "
		    "'%s', not Envelope)", root != NULL ?
		    (const char *)root->name : "");
		xmlFreeDoc(doc);
		return (NULL);
	}
	s = xcalloc(1, sizeof *s);
	s->nic_model = VM_NIC_E1000;
	strv_init(&ids);
	if ((vs = ova_find(root->children, "VirtualSystem")) == NULL) {
		*cause = xstrdup("the OVF describes no VirtualSystem");
		goto fail;
	}
	if ((nm = ova_find(vs->children, "Name")) != NULL)
		s->name = ova_text(nm);
	if ((s->name == NULL || *s->name == '\0')) {
		free(s->name);
		s->name = ova_attr(vs, "id");
	}
	if (ova_disks(root, s, &ids, cause) != 0 ||
	    ova_hardware(vs, s, &ids, cause) != 0)
		goto fail;
	if (ova_efi(vs->children))
		s->firmware = VM_FIRMWARE_UEFI;
	strv_clear(&ids);
	xmlFreeDoc(doc);
	return (s);
fail:
	strv_clear(&ids);
	xmlFreeDoc(doc);
	ova_spec_free(s);
	return (NULL);
}

char *
ova_vm_name(const char *ovfname)
{
	char	*s, *p, *why = NULL;

	if (ovfname == NULL)
		return (NULL);
	while (*ovfname == '.' || *ovfname == '-' || *ovfname == ' ')
		ovfname++;
	s = xstrndup(ovfname, NAME_MAX_LEN);
	for (p = s; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			*p = '-';
	}
	if (name_check(s, "VM", &why) != 0) {
		free(why);
		free(s);
		return (NULL);
	}
	return (s);
}

/* ---- import -------------------------------------------------------------- */

struct ova_member {
	char		*name;
	uint64_t	 size;
};

struct ova_ctx {
	const char		*file;
	struct ova_member	*m;
	size_t			 nm;
	char			*ovf;
	size_t			 ovflen;
	char			*ovfname;
	char			*mf;		/* the .mf manifest, or NULL */
	uint64_t		 total, done;
	bundle_progress_cb	 progress;
	void			*arg;
	uint64_t		 size;		/* the OVA's bytes */
	uint64_t		 limit;		/* what it may write */
	uint64_t		 room;		/* free, less the margin */
	uint64_t		 written;	/* converted disks */
};

static struct archive *
ova_open(const char *file, char **cause)
{
	struct archive	*a;

	if (lazy_archive_load(cause) != 0)
		return (NULL);
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, file, OVA_CHUNK) != ARCHIVE_OK) {
		*cause = xasprintf("%s: %s", file, archive_error_string(a));
		archive_read_free(a);
		return (NULL);
	}
	return (a);
}

/* "./name" in some tars is "name". */
static const char *
ova_member_name(struct archive_entry *e)
{
	const char	*name = archive_entry_pathname(e);

	if (name == NULL)
		return ("");
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return (name);
}

/* A small member's text: one manifest at most. */
static int
ova_read_text(struct archive *a, const char *name, la_int64_t size,
    char **out, size_t *lenp, char **cause)
{
	if (*out != NULL) {
		*cause = xasprintf("it holds more than one %s file",
		    strrchr(name, '.'));
		return (-1);
	}
	if (size < 0 || size > OVA_MAX_OVF) {
		*cause = xasprintf("its %s is larger than 4M", name);
		return (-1);
	}
	*out = xmalloc((size_t)size + 1);
	if (archive_read_data(a, *out, (size_t)size) != size) {
		*cause = xasprintf("%s: %s", name, archive_error_string(a));
		return (-1);
	}
	(*out)[size] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)size;
	return (0);
}

/*
 * The digest the .mf manifest gives a member ("SHA256(name)= hex"), with
 * its program; 0 when it gives none. An OVA's .mf lets a changed or
 * damaged disk be caught before it becomes a VM.
 */
static int
ova_mf_digest(const char *mf, const char *member, const char **prog,
    char *hex, size_t hexlen)
{
	static const struct {
		const char	*algo;
		const char	*prog;
	} algos[] = {
		{ "SHA1", "sha1sum" },
		{ "SHA256", "sha256sum" },
		{ "SHA512", "sha512sum" },
	};
	const char	*line, *p, *end;
	size_t		 i, alen, mlen = strlen(member);

	for (line = mf; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if (end != NULL)
			end++;
		for (i = 0; i < sizeof algos / sizeof algos[0]; i++) {
			alen = strlen(algos[i].algo);
			p = line;
			if (strncmp(p, algos[i].algo, alen) != 0 ||
			    p[alen] != '(')
				continue;
			p += alen + 1;
			if (strncmp(p, member, mlen) != 0 ||
			    strncmp(p + mlen, ")=", 2) != 0)
				continue;
			p += mlen + 2;
			while (*p == ' ')
				p++;
			alen = strspn(p, "0123456789abcdefABCDEF");
			if (alen == 0 || alen >= hexlen)
				continue;
			memcpy(hex, p, alen);
			hex[alen] = '\0';
			*prog = algos[i].prog;
			return (1);
		}
	}
	return (0);
}

/* Check an extracted file against the .mf manifest, when it has one. */
static int
ova_verify(const struct ova_ctx *c, const char *member, const char *path,
    char **cause)
{
	struct strv	 args;
	const char	*prog;
	char		 want[129], *out = NULL, *err = NULL;
	size_t		 len;
	int		 status;

	if (c->mf == NULL || !ova_mf_digest(c->mf, member, &prog, want,
	    sizeof want))
		return (0);
	strv_init(&args);
	strv_push(&args, prog);
	strv_push(&args, path);
	status = proc_run(&args, &out, &err, cause);
	strv_clear(&args);
	if (status != 0) {
		if (status > 0)
			*cause = xasprintf("%s failed: %s", prog,
			    err != NULL ? err : "");
		free(out);
		free(err);
		return (-1);
	}
	free(err);
	len = strcspn(out, " ");
	if (len != strlen(want) || strncasecmp(out, want, len) != 0) {
		*cause = xasprintf("'%s' does not match its manifest: %s "
		    "expected %s, got %.*s", member, prog, want, (int)len, out);
		free(out);
		return (-1);
	}
	free(out);
	return (0);
}

/* First pass: every member safe, the OVF read. */
static int
ova_scan(struct ova_ctx *c, char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*name;
	la_int64_t		 size;
	int			 r, rc = -1;

	if ((a = ova_open(c->file, cause)) == NULL)
		return (-1);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		name = ova_member_name(e);
		if (bundle_entry_check(e, name, cause) != 0 ||
		    strchr(name, '/') != NULL) {
			if (*cause == NULL)
				*cause = xasprintf("member '%s' is in a "
				    "folder", name);
			goto out;
		}
		size = archive_entry_size(e);
		c->m = xreallocarray(c->m, c->nm + 1, sizeof *c->m);
		c->m[c->nm].name = xstrdup(name);
		c->m[c->nm++].size = size > 0 ? (uint64_t)size : 0;
		if (str_has_suffix(name, ".mf")) {
			if (ova_read_text(a, name, size, &c->mf, NULL,
			    cause) != 0)
				goto out;
			continue;
		}
		if (!str_has_suffix(name, ".ovf"))
			continue;
		if (ova_read_text(a, name, size, &c->ovf, &c->ovflen,
		    cause) != 0)
			goto out;
		free(c->ovfname);
		c->ovfname = xstrdup(name);
	}
	if (r != ARCHIVE_EOF) {
		*cause = xasprintf("%s", archive_error_string(a));
		goto out;
	}
	if (c->ovf == NULL) {
		*cause = xstrdup("it holds no .ovf descriptor (not an OVA?)");
		goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	return (rc);
}

static int
ova_copy(struct ova_ctx *c, struct archive *a, const char *path,
    uint64_t size, char **cause)
{
	char		*buf;
	la_ssize_t	 n;
	ssize_t		 w;
	size_t		 off;
	uint64_t	 got = 0;
	int		 fd, rc = -1;

	fd = open(path, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	buf = xmalloc(OVA_CHUNK);
	while ((n = archive_read_data(a, buf, OVA_CHUNK)) != 0) {
		if (n < 0) {
			*cause = xstrdup(archive_error_string(a));
			goto out;
		}
		if ((got += (uint64_t)n) > size) {
			*cause = xstrdup("it holds more than its tar header "
			    "says");
			goto out;
		}
		for (off = 0; off < (size_t)n; off += (size_t)w) {
			if ((w = write(fd, buf + off, (size_t)n - off)) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				*cause = xasprintf("%s: %s", path,
				    strerror(errno));
				goto out;
			}
		}
		c->done += (uint64_t)n;
		if (c->progress != NULL && c->progress(c->arg, "copying",
		    c->done, c->total) != 0) {
			*cause = xstrdup("interrupted");
			goto out;
		}
	}
	rc = 0;
out:
	free(buf);
	if (close(fd) != 0 && rc == 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	return (rc);
}

/*
 * Whether an import may write need more bytes: within what an archive
 * of its size may hold (a compressed tar of zeros, or grains that
 * inflate a thousandfold, would fill the disk) and the free space.
 */
static int
ova_bound(struct ova_ctx *c, uint64_t need, const char *what, char **cause)
{
	char	*n, *z, *l;

	if (need <= c->limit && need <= c->room)
		return (0);
	n = str_size_short(need);
	z = str_size_short(c->size);
	l = str_size_short(need > c->limit ? c->limit : c->room);
	if (need > c->limit)
		*cause = xasprintf("%s would write %s from an OVA of %s, more "
		    "than the %s an archive of that size may hold (a "
		    "decompression bomb?): refused", what, n, z, l);
	else
		*cause = xasprintf("%s would write %s and only %s is free "
		    "(less the margin an import leaves free)", what, n, l);
	free(n);
	free(z);
	free(l);
	return (-1);
}

/* What qemu-img says converting an inspected VMDK needs, bounded. */
static int
ova_measure(struct ova_ctx *c, const char *src, const char *member,
    char **cause)
{
	struct strv	 args;
	json_t		*j;
	char		*source, *out = NULL, *what;
	uint64_t	 need;
	int		 rc;

	source = imgcheck_qemu_source(src, "vmdk");
	strv_init(&args);
	strv_push(&args, "measure");
	strv_push(&args, "--output=json");
	strv_push(&args, "-O");
	strv_push(&args, "qcow2");
	strv_push(&args, source);
	rc = qemu_img_run(&args, &out, cause);
	strv_clear(&args);
	free(source);
	if (rc != 0)
		return (-1);
	j = json_loads(out, 0, NULL);
	free(out);
	need = (uint64_t)json_integer_value(json_object_get(j, "required"));
	json_decref(j);
	what = xasprintf("disk '%s'", member);
	rc = ova_bound(c, c->written + need, what, cause);
	free(what);
	c->written += need;
	return (rc);
}

/* An inspected VMDK to qcow2, the source pinned to the one file. */
static int
ova_qemu_convert(const char *src, const char *dst, char **cause)
{
	struct strv	 args;
	char		*source;
	int		 rc;

	source = imgcheck_qemu_source(src, "vmdk");
	strv_init(&args);
	strv_push(&args, "convert");
	strv_push(&args, "-O");
	strv_push(&args, "qcow2");
	strv_push(&args, source);
	strv_push(&args, dst);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	free(source);
	return (rc);
}

/* Second pass: each disk out of the tar, then qemu-img convert. */
static int
ova_convert(struct ova_ctx *c, const struct ova_spec *s, const char *stage,
    char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*name;
	char			*src, *dst;
	size_t			 i;
	int			 r, rc = 0;

	if ((a = ova_open(c->file, cause)) == NULL)
		return (-1);
	while (rc == 0 && (r = archive_read_next_header(a, &e)) ==
	    ARCHIVE_OK) {
		name = ova_member_name(e);
		for (i = 0; i < s->ndisks && rc == 0; i++) {
			if (strcmp(s->disks[i].href, name) != 0)
				continue;
			src = xasprintf("%s/.ova-disk%zu", stage, i + 1);
			dst = xasprintf("%s/disk%zu.qcow2", stage, i + 1);
			if (fs_exists(src)) {
				/* Two disks from one file: copy it again. */
				free(src);
				src = xasprintf("%s/.ova-disk%zu-b", stage,
				    i + 1);
			}
			rc = ova_copy(c, a, src, (uint64_t)
			    archive_entry_size(e), cause);
			if (rc == 0)
				rc = ova_verify(c, name, src, cause);
			/* Before qemu-img: no extent or parent outside. */
			if (rc == 0 && imgcheck_file(src, name,
			    TEMPLATE_FORMAT_VMDK, NULL, 0, cause) < 0)
				rc = -1;
			if (rc == 0)
				rc = ova_measure(c, src, name, cause);
			if (rc == 0) {
				crashpoint("ova: disk copied out");
				rc = ova_qemu_convert(src, dst, cause);
			}
			unlink(src);
			free(src);
			free(dst);
			break;
		}
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		*cause = xstrdup(archive_error_string(a));
		rc = -1;
	}
	archive_read_free(a);
	return (rc);
}

/* The OVF against the .mf manifest, through a file in the stage. */
static int
ova_verify_ovf(const struct ova_ctx *c, const char *stage, char **cause)
{
	char	*path;
	int	 rc;

	if (c->mf == NULL)
		return (0);
	path = fs_path_join(stage, ".ova-ovf");
	rc = fs_write_atomic(path, c->ovf, c->ovflen, 0600, cause);
	if (rc == 0)
		rc = ova_verify(c, c->ovfname, path, cause);
	unlink(path);
	free(path);
	return (rc);
}

static struct vm_def *
ova_vmdef(const struct ova_spec *s, const char *name)
{
	struct vm_def	*def;
	struct vm_disk	*d;
	struct vm_nic	*nic;
	char		*sec;
	size_t		 i;
	int		 k;

	def = vmdef_create(name);
	if (s->cpus > 0)
		def->cpus = s->cpus;
	if (s->memory > 0)
		def->memory = s->memory;
	def->boot.order = xstrdup("c");
	def->firmware = s->firmware;
	for (i = 0; i < s->ndisks; i++) {
		sec = xasprintf("disk%zu", i + 1);
		d = vmdef_add_disk(def, sec);
		free(sec);
		d->file = xasprintf("disk%zu.qcow2", i + 1);
		d->bus = s->disks[i].bus;
	}
	for (k = 0; k < s->nnics; k++) {
		sec = xasprintf("net%d", k);
		nic = vmdef_add_nic(def, sec);
		free(sec);
		nic->model = s->nic_model;
		nic->mac = vmdef_random_mac();
	}
	return (def);
}

int
ova_import(const struct library *lib, const char *file, const char *name,
    bundle_progress_cb progress, void *arg, char **namep, char **cause)
{
	struct ova_ctx	 c;
	struct ova_spec	*s = NULL;
	struct vm_def	*def = NULL;
	char		*why = NULL, *stage = NULL, *vmname = NULL, *conf;
	size_t		 i, j;
	int		 rc = -1;

	memset(&c, 0, sizeof c);
	c.file = file;
	c.progress = progress;
	c.arg = arg;
	if (ova_scan(&c, &why) != 0 ||
	    (s = ova_parse(c.ovf, c.ovflen, &why)) == NULL)
		goto fail;
	for (i = 0; i < s->ndisks; i++) {
		for (j = 0; j < c.nm; j++) {
			if (strcmp(c.m[j].name, s->disks[i].href) == 0)
				break;
		}
		if (j == c.nm) {
			why = xasprintf("its OVF names disk file '%s', which "
			    "the OVA does not contain", s->disks[i].href);
			goto fail;
		}
		if (!str_has_suffix(s->disks[i].href, ".vmdk")) {
			why = xasprintf("disk file '%s' is not a VMDK",
			    s->disks[i].href);
			goto fail;
		}
		c.total += c.m[j].size;
	}
	if (name != NULL)
		vmname = xstrdup(name);
	else if ((vmname = ova_vm_name(s->name)) == NULL) {
		why = xasprintf("its OVF name '%s' makes no VM name: give one "
		    "(vmdesk import-ova FILE NAME)", s->name != NULL ?
		    s->name : "");
		goto fail;
	}
	if (name_check(vmname, "VM", &why) != 0)
		goto fail;
	if (library_exists(lib, vmname)) {
		*cause = xasprintf("a VM named '%s' already exists (give "
		    "another name: vmdesk import-ova FILE NAME)", vmname);
		goto out;
	}
	if ((stage = library_create_begin(lib, vmname, cause)) == NULL)
		goto out;
	/* The disks as the tar declares them, before any is copied out. */
	if (bundle_bounds(file, stage, &c.size, &c.limit, &c.room,
	    &why) != 0 || ova_bound(&c, c.total, "its disks", &why) != 0 ||
	    ova_verify_ovf(&c, stage, &why) != 0 ||
	    ova_convert(&c, s, stage, &why) != 0)
		goto fail;
	def = ova_vmdef(s, vmname);
	conf = fs_path_join(stage, "vm.conf");
	if (vmdef_validate(def, stage, &why) != 0 ||
	    vmdef_save(def, conf, &why) != 0) {
		free(conf);
		goto fail;
	}
	free(conf);
	if (library_create_commit(lib, vmname, stage, cause) != 0)
		goto out;
	if (namep != NULL) {
		*namep = vmname;
		vmname = NULL;
	}
	rc = 0;
	goto out;
fail:
	*cause = xasprintf("OVA %s: %s", file, why != NULL ? why : "failed");
out:
	if (rc != 0 && stage != NULL)
		library_create_abort(stage);
	for (i = 0; i < c.nm; i++)
		free(c.m[i].name);
	free(c.m);
	free(c.ovf);
	free(c.ovfname);
	free(c.mf);
	free(why);
	free(stage);
	free(vmname);
	vmdef_free(def);
	ova_spec_free(s);
	return (rc);
}
