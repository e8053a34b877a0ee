/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU command line for a VM, built as an argv (never a shell string)
 * by pure functions: no I/O, the same input gives the same argv.
 */
#ifndef VMDESK_BACKEND_QEMU_ARGV_H
#define VMDESK_BACKEND_QEMU_ARGV_H

#include "backend/accel.h"
#include "core/vmdef.h"
#include "util/strv.h"

struct virtiofsd_probe;

/* The files a running VM uses. */
struct vm_paths {
	char	*vmdir;		/* vms/NAME */
	char	*run;		/* runtime folder of the VM */
	char	*pidfile;	/* run/qemu.pid */
	char	*qmp;		/* run/qmp.sock: the desktop's monitor */
	char	*qmp_cli;	/* run/qmp-cli.sock: short CLI connections */
	char	*vnc;		/* run/vnc.sock */
	char	*vnc_pass;	/* run/vnc.pass: VNC over TCP's password (0600) */
	char	*serial;	/* run/serial.sock */
	char	*powerdown;	/* run/powerdown: vmdesk asked for ACPI off */
	char	*swtpm_sock;	/* run/swtpm.sock: the TPM emulator's control */
	char	*swtpm_pid;	/* run/swtpm.pid */
	char	*tpm_dir;	/* vmdir/tpm: the TPM's state */
	char	*swtpm_log;	/* vmdir/swtpm.log */
	char	*serial_log;	/* vmdir/serial.log */
	char	*qemu_log;	/* vmdir/qemu.log */
};

struct qemu_argv_in {
	const struct vm_def	*def;
	const struct vm_paths	*paths;
	const char		*qemu;		/* the emulator program */
	enum accel		 accel;
	int			 paused;	/* start with the CPUs stopped */
	const char		*fw_code;	/* UEFI code (read-only), or NULL */
	const char		*fw_vars;	/* UEFI variables (the VM's copy) */
	const char		*fw_loader;	/* RISC-V: U-Boot, OpenSBI's payload */
	const char		*loadvm;	/* start from this snapshot's RAM */
	int			 vnc_port;	/* VNC over TCP's port, or 0 */
	/* what virtiofsd can do here (NULL: none), for shares */
	const struct virtiofsd_probe *virtiofsd;
};

/* The id of the VNC display on TCP, for QMP's set_password. */
#define QEMU_ARGV_VNC_TCP_ID	"vnc-tcp"

/*
 * QEMU ids of the disk controllers and the CD drive (drive and device),
 * the same at boot and for hot-plug: vmdesk disk and media use them.
 */
#define QEMU_ARGV_SCSI_ID	"scsi0"
#define QEMU_ARGV_USB_ID	"usb"
#define QEMU_ARGV_CDROM_ID	"cdrom"
/* Spare PCIe root ports on q35 for hot-plug: id hotplugN. */
#define QEMU_ARGV_HOTPLUG_PORTS		4
#define QEMU_ARGV_HOTPLUG_PORT		"hotplug"
#define QEMU_ARGV_HOTPLUG_CHASSIS	1
/* QEMU's setuid helper that puts a tap on a bridge (Debian's path). */
#define QEMU_ARGV_BRIDGE_HELPER	"/usr/lib/qemu/qemu-bridge-helper"
/* A private network's UDP port: from MIN, one of PORTS by its name. */
#define QEMU_ARGV_PRIVATE_PORT_MIN	20000
#define QEMU_ARGV_PRIVATE_PORTS		10000
/* The QEMU ids of a [usb NAME]: its device, and a stick's block node. */
#define QEMU_ARGV_USB_DEV	"usb-%s"
#define QEMU_ARGV_USB_NODE	"usbimg-%s"

/*
 * A private network's multicast group and port, "239.255.X.Y:PORT", from
 * its name alone (FNV-1a), into buf of len bytes.
 */
void	qemu_argv_private_group(const char *, char *, size_t);

/* Fill the paths of a VM from its folder and runtime folder. */
int	vm_paths_init(struct vm_paths *, const char *, const char *, char **);
void	vm_paths_clear(struct vm_paths *);

/* Build the argv. -1 and *cause only for a definition it cannot express. */
int	qemu_argv_build(const struct qemu_argv_in *, struct strv *, char **);
/* A path or value made safe inside a QEMU option (commas doubled). Caller frees. */
char	*qemu_argv_escape(const char *);

/* A disk's drive (and device) id in QEMU: "disk-NAME". Caller frees. */
char	*qemu_argv_disk_id(const char *);
/*
 * A disk's -device option; bus NULL is its family's (IDE/SATA disks
 * name theirs; a hot-plugged PCI disk on q35 its root port). Caller frees.
 */
char	*qemu_argv_disk_device(const struct vm_def *, const struct vm_disk *,
	    const char *);
/* Whether the machine is PCIe (q35, virt): hot-plug needs a root port. */
int	qemu_argv_pcie(const struct vm_def *);
/*
 * Whether a start needs the firmware files (fw_code, fw_vars, fw_loader):
 * virt booting a kernel directly leaves AAVMF out.
 */
int	qemu_argv_firmware_used(const struct vm_def *);
/* Whether QEMU can plug a disk on this bus into the running machine. */
int	qemu_argv_disk_hotplug(const struct vm_def *, enum vm_disk_bus);

#endif
