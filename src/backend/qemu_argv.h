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
	const char		*loadvm;	/* start from this snapshot's RAM */
	int			 vnc_port;	/* VNC over TCP's port, or 0 */
};

/* The id of the VNC display on TCP, for QMP's set_password. */
#define QEMU_ARGV_VNC_TCP_ID	"vnc-tcp"

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

#endif
