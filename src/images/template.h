/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OS templates: one INI file each, in the user's folder and the shipped
 * one (the user's wins), and making a new VM from one.
 */
#ifndef VMDESK_IMAGES_TEMPLATE_H
#define VMDESK_IMAGES_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/library.h"
#include "core/vmdef.h"
#include "images/tinylinux.h"
#include "util/strv.h"

/* How a VM from the template boots. */
enum template_boot {
	TEMPLATE_BOOT_TINYLINUX,	/* vmdesk's own kernel + initramfs */
	TEMPLATE_BOOT_DISK,		/* a blank disk, boot order c */
	TEMPLATE_BOOT_IMAGE,		/* the fetched image is the disk */
	TEMPLATE_BOOT_ISO		/* blank disk + installer ISO, boot d */
};

/* The stored format of a template's image, before any conversion. */
enum template_format {
	TEMPLATE_FORMAT_QCOW2,
	TEMPLATE_FORMAT_RAW,
	TEMPLATE_FORMAT_VMDK,
	TEMPLATE_FORMAT_VHD,
	TEMPLATE_FORMAT_ISO
};

/* How a template finds the current release (index_format =). */
enum template_index {
	TEMPLATE_INDEX_NONE,		/* the pinned url only */
	TEMPLATE_INDEX_HTML,		/* an autoindex directory listing */
	TEMPLATE_INDEX_SUMS,		/* a checksum file naming several */
	TEMPLATE_INDEX_REDIRECT,	/* a "latest" link: its Location */
	TEMPLATE_INDEX_JSON,		/* a JSON release feed */
	TEMPLATE_INDEX_YAML		/* a YAML release feed (Alpine's) */
};

#define TEMPLATE_ARCH_MAX	4

/*
 * Where one architecture's image or installer comes from. url NULL with
 * boot iso means "bring your own" (vmdesk create --iso). A pinned
 * sha256, or checksum_url: the distribution's SHA256SUMS-style file,
 * where the line for checksum_name (default: the URL's last part) is
 * read. With an index, url and its checksum are the last known good pin
 * and the newest file of the index matching pattern is fetched instead
 * (images/resolve.h); file_host is another host the index may send to.
 */
struct template_source {
	char			*arch;
	char			*url;
	char			*sha256;
	char			*checksum_url;
	char			*checksum_name;
	char			*member;	/* archive member (glob) */
	char			*index;
	enum template_index	 index_format;
	char			*pattern;
	char			*file_host;
};

struct template {
	char			*name;
	char			*file;		/* where it was read from */
	char			*os;
	char			*description;
	char			*arch;		/* the default: src[0].arch */
	enum vm_machine		 machine;
	enum vm_firmware	 firmware;
	enum vm_display		 display;
	int			 cpus;
	uint64_t		 memory;
	uint64_t		 disk_size;
	enum vm_disk_bus	 bus;
	enum vm_nic_model	 model;
	enum template_boot	 boot;

	char			*version;	/* "12", "24.04", ... */
	char			*homepage;
	char			*notes;		/* shown at create time */
	/*
	 * One source per architecture, in the order of the arch key (the
	 * first is the default). The keys without a suffix set the first;
	 * "url.aarch64" sets aarch64's, which takes checksum_url, member,
	 * index, index_format and file_host from the first when it names
	 * none (template_source() gives it whole).
	 */
	struct template_source	 src[TEMPLATE_ARCH_MAX];
	size_t			 narchs;
	enum template_format	 format;	/* after decompression */
	int			 cloud_init;	/* wants a NoCloud seed */
	char			*user;		/* default login, for ssh */
	int			 tpm;		/* TPM 2.0 (swtpm) */
	char			*drivers_url;	/* e.g. virtio-win ISO, noted */
};

/* Choices made at create time; 0 keeps the template's default. */
struct template_opts {
	const char		*arch;		/* NULL: the template's */
	int			 cpus;
	uint64_t		 memory;
	uint64_t		 disk_size;
	const struct vm_forward	*forwards;	/* on the first NIC */
	size_t			 nforwards;
	const char		*iso;		/* installer: path or URL */
	const char		*image;		/* the disk: path or URL */
	const char		*sha256;	/* pinned for image or iso */
	/* cloud-init: login (NULL: the template's), password, key files. */
	const char		*user;
	const char		*password;	/* plain text, or NULL */
	const struct strv	*ssh_keys;	/* NULL or empty: ~/.ssh/ *.pub */
	const struct strv	*runcmds;	/* cloud-init's first boot */
	/*
	 * A last change to the new definition before it is checked and
	 * written (a lab's keys and name), or NULL.
	 */
	int			(*edit)(struct vm_def *, void *, char **);
	void			*edit_arg;
};

/*
 * The template folders in order: the user's, then $VMDESK_TEMPLATES_DIR,
 * or share/templates beside a build tree's program, then the installed.
 */
void		 template_dirs(const struct library *, struct strv *);
/* Names of a boot method and an image format, as in template files. */
const char	*template_boot_name(enum template_boot);
const char	*template_format_name(enum template_format);
/* The host part of a URL ("cdn.openbsd.org"). Caller frees. */
char		*template_url_host(const char *);
/*
 * Whether a download URL is safe without a pinned hash: https://, or
 * another scheme to this machine (its bytes never cross a network).
 */
int		 template_url_secure(const char *);
/*
 * The file of a new VM's first disk, in its folder: "disk.qcow2" (an
 * overlay on the cached image) for boot = image, else "data.qcow2".
 */
const char	*template_disk_file(const struct template *);
/* Name of an index format, as in template files. */
const char	*template_index_name(enum template_index);
/*
 * The source of one architecture (NULL: the default), with what it takes
 * from the first filled in: pointers into t. -1 when t has no such arch.
 */
int		 template_source(const struct template *, const char *,
		     struct template_source *);
/* The template's architectures, space-separated. Caller frees. */
char		*template_archs(const struct template *);
/* Read one template file; errors read "file:line: ...". */
struct template	*template_load(const char *, char **);
void		 template_free(struct template *);
/* Find a template by name in folders, in order; the first found wins. */
struct template	*template_find(const struct strv *, const char *, char **);
/* All templates in the folders, sorted by name; earlier folders win. */
int		 template_list(const struct strv *, struct template ***,
		     size_t *, char **);
void		 template_list_free(struct template **, size_t);
/*
 * The definition a new VM gets from a template (pure: tl gives the
 * tinylinux boot files, and may be NULL for other templates). The files
 * it names are made by the create code: the first disk
 * (template_disk_file()), the cloud-init seed (CLOUDINIT_SEED) with cloud_init, and
 * opt->iso with boot = iso.
 */
struct vm_def	*template_to_vmdef(const struct template *, const char *,
		     const struct template_opts *, const struct tinylinux *);

#endif
