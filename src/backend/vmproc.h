/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU processes: start one daemonized, find it again from its runtime
 * folder, ask its state, pause, resume, reset, power it off, kill it, and
 * clean up after one that died.
 */
#ifndef VMDESK_BACKEND_VMPROC_H
#define VMDESK_BACKEND_VMPROC_H

#include <sys/types.h>
#include <stdint.h>

#include "backend/accel.h"
#include "backend/qemu_argv.h"
#include "backend/qmp.h"
#include "backend/vmstate.h"
#include "core/settings.h"
#include "core/vmdef.h"

/* Monitor timeouts: CLI commands are short, a busy monitor is not a hang. */
#define VMPROC_QMP_TIMEOUT	10000
#define VMPROC_QMP_QUICK	1500

struct vm_status {
	enum vm_state	 state;
	pid_t		 pid;		/* QEMU's pid, or 0 */
	uint64_t	 started;	/* epoch seconds the process started */
	char		*status;	/* QEMU's run state, or NULL */
	int		 kvm;		/* 1 KVM, 0 TCG, -1 unknown */
};

struct vmproc_start {
	const char	*qemu;		/* emulator program */
	enum accel	 accel;
	int		 paused;
	const char	*fw_code;	/* UEFI code, or NULL */
	const char	*fw_vars;
	const char	*fw_loader;	/* RISC-V's U-Boot, or NULL */
	const char	*loadvm;	/* a live snapshot's tag to resume, or NULL */
	uint64_t	 serial_log_max; /* keep serial.log this small; 0: no */
};

/*
 * Start the VM's TPM emulator (swtpm, TPM 2.0, state in vmdir/tpm) on
 * run/swtpm.sock; it ends when QEMU closes its connection. vmproc_start
 * calls it for a definition with tpm.
 */
int	 vmproc_swtpm_start(const struct vm_def *, const struct vm_paths *,
	     char **);
/* Stop a VM's swtpm if one is left, and remove its socket and pidfile. */
void	 vmproc_swtpm_stop(const struct vm_paths *);
/* The pid holding the pidfile's lock (a live QEMU), or 0. */
pid_t	 vmproc_pid(const struct vm_paths *);
/*
 * Observe the VM: process, then (if monitor_ms > 0) the monitor, waiting
 * at most that long for it. Fills *st; caller clears it.
 */
void	 vmproc_status(const struct vm_paths *, int, struct vm_status *);
void	 vm_status_clear(struct vm_status *);
/*
 * Start a stopped VM: build the argv, spawn QEMU daemonized with stderr
 * appended to qemu.log, and wait until its monitor answers. With
 * serial_log_max, a process of its own (vmdesk:serlog) keeps serial.log
 * within it for as long as this QEMU lives. A host forward whose port is
 * taken fails before QEMU runs, naming the VM that holds it. On failure,
 * *cause holds QEMU's own words. The caller holds the VM's lock.
 */
int	 vmproc_start(const struct vm_def *, const struct vm_paths *,
	     const struct vmproc_start *, pid_t *, char **);
/*
 * Start a loaded definition as vmdesk start does: validate it, choose the
 * accelerator (VMDESK_ACCEL, then the VM's own choice, then the config's,
 * probing KVM with its answer cached in runtime), find UEFI files, spawn.
 * loadvm (may be NULL) resumes a live snapshot. *note (caller frees) says
 * which accelerator and why, as "tcg: KVM does not work here".
 */
int	 vmproc_start_def(const struct vm_def *, const struct vm_paths *,
	     const struct settings *, const char *, int, const char *,
	     pid_t *, char **, char **);
/* Connect the CLI monitor of a running VM. */
struct qmp *vmproc_monitor(const struct vm_paths *, int, char **);
/* Run one QMP command with no arguments ("stop", "cont", "system_reset"). */
int	 vmproc_command(const struct vm_paths *, const char *, char **);
/*
 * Press the ACPI power button and wait up to timeout_s for QEMU to exit.
 * With force, kill it when the guest does not power off in time, or at
 * once when its monitor is gone (no button to press). *forced (may be
 * NULL) tells whether it had to be killed, and why.
 */
#define VMPROC_FORCED_TIMEOUT	1
#define VMPROC_FORCED_NOMONITOR	2
int	 vmproc_stop(const struct vm_paths *, int, int, int *, char **);
/* End QEMU now: QMP quit, then SIGKILL if it lingers. */
int	 vmproc_kill(const struct vm_paths *, char **);
/* Remove runtime files a dead QEMU left; refuses while one runs. */
int	 vmproc_cleanup(const struct vm_paths *, char **);
/*
 * The firmware for a VM: the shared read-only code, the VM's own variable
 * store (copied from the blank store on first use so that settings
 * survive; NULL on RISC-V) and a second stage (RISC-V's U-Boot, or NULL).
 * All caller frees.
 */
int	 vmproc_firmware_files(const struct vm_def *, const struct vm_paths *,
	     char **, char **, char **, char **);
/*
 * An architecture's firmware files (x86_64: OVMF), or *cause naming the
 * Debian package that has them. All caller frees.
 */
int	 vmproc_arch_firmware(enum vm_arch, char **, char **, char **,
	     char **);
/* The OVMF code and its blank variable store. Both caller frees. */
int	 vmproc_uefi_firmware(char **, char **, char **);
/* The same with Secure Boot (Microsoft's keys enrolled). */
int	 vmproc_uefi_firmware_secure(char **, char **, char **);
/* The SeaBIOS image QEMU loads for a PC, or NULL when none is found. */
const char *vmproc_bios_file(void);
/* VNC authentication (DES) reads at most 8 characters. */
#define VMPROC_VNC_PASSWORD_LEN	8
/*
 * A running VM's VNC over TCP: its port on 127.0.0.1 (from QEMU) and the
 * password set at its start (caller frees). -1 and *cause when it is off.
 */
int	 vmproc_vnc_tcp(const struct vm_paths *, int *, char **, char **);
/* Wait up to timeout_ms for QEMU to exit. 0 when it has. */
int	 vmproc_wait_exit(const struct vm_paths *, int);

#endif
