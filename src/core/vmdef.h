/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM definition (vms/NAME/vm.conf): parsed once into a typed struct,
 * validated, and written back atomically. Keys vmdesk does not know are
 * kept and written back, with a warning.
 */
#ifndef VMDESK_CORE_VMDEF_H
#define VMDESK_CORE_VMDEF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/vmarch.h"
#include "util/strv.h"

enum vm_machine {
	VM_MACHINE_Q35,
	VM_MACHINE_PC,
	VM_MACHINE_MICROVM,
	VM_MACHINE_VIRT			/* QEMU's virt: every arch but x86_64 */
};

enum vm_firmware {
	VM_FIRMWARE_BIOS,
	VM_FIRMWARE_UEFI,
	VM_FIRMWARE_UEFI_SECURE		/* OVMF with Secure Boot (needs q35) */
};

enum vm_display {
	VM_DISPLAY_VGA,
	VM_DISPLAY_VIRTIO,
	VM_DISPLAY_NONE
};

enum vm_disk_bus {
	VM_BUS_VIRTIO,
	VM_BUS_SATA,
	VM_BUS_IDE,
	VM_BUS_SCSI,
	VM_BUS_NVME,
	VM_BUS_USB
};

enum vm_disk_format {
	VM_FORMAT_QCOW2,
	VM_FORMAT_RAW
};

enum vm_nic_model {
	VM_NIC_VIRTIO,
	VM_NIC_E1000,
	VM_NIC_RTL8139
};

struct vm_disk {
	char			*name;		/* section name: [disk NAME] */
	char			*file;		/* relative to the VM folder, or absolute */
	enum vm_disk_bus	 bus;
	enum vm_disk_format	 format;
	int			 readonly;
};

struct vm_forward {
	int	udp;		/* 0 tcp, 1 udp */
	int	host_port;	/* on 127.0.0.1 */
	int	guest_port;
};

/* How a share reaches the guest. */
enum vm_share_mode {
	VM_SHARE_AUTO,		/* virtiofs when virtiofsd runs, else 9p */
	VM_SHARE_VIRTIOFS,
	VM_SHARE_9P
};

/*
 * The structs of repeated sections start with their name: the section
 * table in vmdef.c relies on it.
 */
struct vm_share {
	char			*name;		/* [share NAME] */
	char			*path;		/* the host folder */
	char			*tag;		/* the guest's mount tag, or NULL */
	int			 readonly;
	enum vm_share_mode	 mode;
};

struct vm_usb {
	char	*name;		/* [usb NAME] */
	char	*file;		/* a stick from an image file, or NULL */
	char	*host;		/* "VENDOR:PRODUCT" passthrough, or NULL */
	int	 readonly;
};

struct vm_nic {
	char			*name;		/* [nic NAME] */
	enum vm_nic_model	 model;
	char			*mac;		/* "52:54:00:12:34:56" */
	char			*net;		/* user, bridge:BR, private:NET */
	struct vm_forward	*forwards;
	size_t			 nforwards;
};

/* What nic.net names (vmdef_nic_net). */
enum vm_net_kind {
	VM_NET_BAD = -1,
	VM_NET_USER,		/* "user": QEMU's user-mode NAT */
	VM_NET_BRIDGE,		/* "bridge:BR": a host bridge */
	VM_NET_PRIVATE		/* "private:NET": only the VMs naming NET */
};

struct vm_boot {
	char	*kernel;	/* direct kernel boot, or NULL */
	char	*initrd;
	char	*cmdline;
	char	*iso;		/* installer/live CD, or NULL */
	char	*order;		/* QEMU boot order letters, "cd" */
};

/* A key vmdesk does not know, kept so a write never drops it. */
struct vm_extra {
	char	*type;		/* section type */
	char	*secname;	/* section name or NULL */
	char	*key;
	char	*value;
};

struct vm_def {
	char			*name;
	char			*template;	/* may be NULL */
	char			*arch;
	enum vm_machine		 machine;
	char			*accel;		/* "auto", "kvm", "tcg" */
	int			 cpus;
	int			 sockets;	/* topology; 0: derived */
	int			 cores;
	int			 threads;
	char			*cpu_model;	/* "auto": KVM's host, or max */
	uint64_t		 memory;	/* bytes */
	enum vm_firmware	 firmware;
	enum vm_display		 display;
	int			 tpm;		/* a TPM 2.0 through swtpm */
	int			 vnc_tcp;	/* a second VNC on 127.0.0.1 */
	int			 vnc_port;	/* its port, 0: a free one */
	int			 autostart;	/* vmdesk autostart starts it */
	char			*lab;		/* the lab it belongs to, or NULL */
	char			*os;		/* shown to people, may be NULL */
	char			*user;		/* guest login for ssh, or NULL */
	char			*instance_id;	/* cloud-init's, or NULL */
	struct vm_boot		 boot;
	struct vm_disk		*disks;
	size_t			 ndisks;
	struct vm_nic		*nics;
	size_t			 nnics;
	struct vm_share		*shares;
	size_t			 nshares;
	struct vm_usb		*usbs;
	size_t			 nusbs;
	struct vm_extra		*extras;
	size_t			 nextras;
	struct strv		 warnings;	/* "file:line: ..." */
	char			*source;	/* the text it was read from, */
	size_t			 sourcelen;	/* so a write keeps comments */
};

/* What a key's value is. */
enum vmdef_kind {
	VMDEF_STRING,	/* char *, one line of text */
	VMDEF_CHOICE,	/* char *, one of names */
	VMDEF_PATH,	/* char *, a file path */
	VMDEF_NAME,	/* char *, checked by name_check() */
	VMDEF_LOGIN,	/* char *, checked by name_login_check() */
	VMDEF_INT,	/* int within [min, max] */
	VMDEF_SIZE,	/* uint64_t bytes (a bare number is MiB) */
	VMDEF_ENUM,	/* an enum stored as int: an index into names */
	VMDEF_BOOL,	/* int 0/1, read by str_to_bool() */
	VMDEF_MAC,	/* char *, a unicast MAC address */
	VMDEF_FORWARD	/* struct vm_forward list of a NIC */
};

/* vmdesk set and the desktop's editor may change it. */
#define VMDEF_KEY_SET		0x1
/* A template may set it. */
#define VMDEF_KEY_TEMPLATE	0x2
/* Written to vm.conf even at its default. */
#define VMDEF_KEY_ALWAYS	0x4
/* Applies to a running VM at once (else: at its next start). */
#define VMDEF_KEY_LIVE		0x8
/* May repeat in its section: a list. */
#define VMDEF_KEY_LIST		0x10

/*
 * One key of vm.conf. The table of them (vmdef_keys()) is the only place
 * that says what a key is.
 */
struct vmdef_key {
	const char		*section;	/* vm, boot, disk or nic */
	const char		*key;
	size_t			 off;		/* in the section's struct */
	enum vmdef_kind		 kind;
	long long		 min;		/* int and size bounds */
	long long		 max;
	const char *const	*names;		/* choice, enum and bool */
	const char		*def;		/* the default, or NULL */
	int			 flags;
	const char		*help;
};

/* Bounds, shared with the command line and the desktop. */
#define VMDEF_SHARE_TAG_MAX	31
#define VMDEF_CPUS_MAX		64
#define VMDEF_MEMORY_MIN	(16ULL << 20)
#define VMDEF_MEMORY_MAX	(1ULL << 40)
/* VNC over TCP: QEMU takes a display number, port 5900 + N. */
#define VMDEF_VNC_PORT_MIN	5900
#define VMDEF_VNC_PORT_MAX	65535

/* Every key of vm.conf, in the order it is written; *n gets how many. */
const struct vmdef_key	*vmdef_keys(size_t *);
/* The keys of section type, *n of them (the table lists them together). */
const struct vmdef_key	*vmdef_section_keys(const char *, size_t *);
/* A key by section type and name, or NULL. */
const struct vmdef_key	*vmdef_key_find(const char *, const char *);
/* A kind's name for people and JSON: "int", "size", "enum" ... */
const char		*vmdef_kind_name(enum vmdef_kind);
/*
 * Set a key in its section's struct (a vm_def, vm_boot, vm_disk or
 * vm_nic) from text, as vm.conf, vmdesk set and the editor give it.
 * -1 and *cause ("'x' is not yes or no") on a bad value.
 */
int			 vmdef_key_set(const struct vmdef_key *, void *,
			     const char *, char **);
/*
 * A key's value as vm.conf text, or NULL when unset (a list: its
 * values joined by ", "). Caller frees.
 */
char			*vmdef_key_get(const struct vmdef_key *, const void *);
/*
 * The struct of section type (named secname for disk and nic) of a
 * definition, or NULL when it has no such section.
 */
void			*vmdef_section(struct vm_def *, const char *,
			     const char *);
/*
 * Every key of section type (except lists) of the struct base into a
 * JSON object, typed: integers, sizes in bytes, booleans, strings or
 * null. A name the object already has gets "_wanted" ("accel_wanted":
 * what the VM asks for, beside the accelerator it runs with).
 */
void			 vmdef_section_json(const char *, const void *,
			     json_t *);
/*
 * Set "key", "boot.key", "disk.NAME.key" or "nic.NAME.key" (a bare disk
 * or nic key when the VM has one) to value: a list key takes its whole
 * list, "a, b" or "none"; an empty value puts an optional key back to its
 * default (or unset). The key must have every flag of need
 * (VMDEF_KEY_SET for vmdesk set; 0 for any key).
 */
int			 vmdef_assign(struct vm_def *, const char *,
			     const char *, int, char **);

/*
 * The value of a key by the same paths as vmdef_assign, as vm.conf text
 * (NULL when unset). -1 and *cause when there is no such key or section.
 * *value: caller frees.
 */
int			 vmdef_get(struct vm_def *, const char *, char **,
			     char **);

/* A new definition with every key at its default. */
struct vm_def	*vmdef_create(const char *);
void		 vmdef_free(struct vm_def *);
/* Parse vm.conf text; file names the source in messages. */
struct vm_def	*vmdef_parse(const char *, size_t, const char *, char **);
/* Read and parse a vm.conf file. */
struct vm_def	*vmdef_load(const char *, char **);
/*
 * Check a definition against the rules and the files it names (relative
 * paths are taken from vmdir; vmdir NULL: a VM not made yet, whose own
 * files are not checked). Returns 0 or -1 and one clear *cause.
 */
int		 vmdef_validate(const struct vm_def *, const char *, char **);
/* The definition as vm.conf text. Caller frees. */
char		*vmdef_format(const struct vm_def *);
/* Write vm.conf atomically. */
int		 vmdef_save(const struct vm_def *, const char *, char **);

/*
 * Add an item of a repeated section ("disk", "nic", "share", "usb") at
 * its defaults; returns it (a struct vm_disk * ...) for the caller to
 * fill. It moves when another is added.
 */
void		*vmdef_add_item(struct vm_def *, const char *, const char *);
/* Remove the item named so; -1 when there is none. */
int		 vmdef_remove_item(struct vm_def *, const char *,
		     const char *);
/* The i-th repeated section type ("disk", "nic" ...), or NULL past them. */
const char	*vmdef_repeated(size_t);
/* How many items of a repeated section, and the i-th (NULL past them). */
size_t		 vmdef_count(const struct vm_def *, const char *);
void		*vmdef_item(const struct vm_def *, const char *, size_t);
/* Add a disk or a NIC; returns it for the caller to fill. */
struct vm_disk	*vmdef_add_disk(struct vm_def *, const char *);
struct vm_nic	*vmdef_add_nic(struct vm_def *, const char *);
/* A disk's file as an absolute path (vmdir joined when relative). Caller frees. */
char		*vmdef_disk_path(const struct vm_disk *, const char *);
/* A random locally administered MAC in QEMU's 52:54:00 range. Caller frees. */
char		*vmdef_random_mac(void);
/*
 * A boot order, "cdrom,disk,net" or QEMU's letters "dcn", as letters;
 * NULL when it is neither. Caller frees.
 */
char		*vmdef_boot_letters(const char *);
/* A share's mount tag: its own, else its name. */
const char	*vmdef_share_tag(const struct vm_share *);
/* Parse "tcp:HOST:GUEST" or "udp:HOST:GUEST". */
int		 vmdef_parse_forward(const char *, struct vm_forward *, char **);

/*
 * Parse the value of an enum key of vm.conf ("machine", "firmware",
 * "display", "bus", "format", "model") into its enum value.
 */
int		 vmdef_enum_value(const char *, const char *, int *, char **);

const char	*vmdef_machine_name(enum vm_machine);
/* The VM's architecture (its arch key, checked when read). */
enum vm_arch	 vmdef_arch(const struct vm_def *);
/*
 * Make a definition (from a template) another architecture's: on every
 * one but x86_64, machine virt, firmware uefi, display virtio for vga,
 * and virtio disks for SATA and IDE ones (virt has neither).
 */
void		 vmdef_set_arch(struct vm_def *, enum vm_arch);
const char	*vmdef_firmware_name(enum vm_firmware);
const char	*vmdef_display_name(enum vm_display);
const char	*vmdef_bus_name(enum vm_disk_bus);
const char	*vmdef_format_name(enum vm_disk_format);
const char	*vmdef_nic_name(enum vm_nic_model);
/*
 * A NIC's network kind; *arg gets what follows the prefix (the bridge or
 * network name, "" for user). VM_NET_BAD for anything else.
 */
enum vm_net_kind vmdef_nic_net(const struct vm_nic *, const char **);
/* A USB id "VENDOR:PRODUCT" (4 hex digits each); -1 if it is not one. */
int		 vmdef_usb_id(const char *, unsigned *, unsigned *);

#endif
