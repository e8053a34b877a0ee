/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QEMU command line for a VM, built by pure functions. */
#include "config.h"

#include "backend/qemu_argv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "backend/virtiofsd.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define UNIX_PATH_LIMIT	(sizeof ((struct sockaddr_un *)0)->sun_path)

int
vm_paths_init(struct vm_paths *p, const char *vmdir, const char *run,
    char **cause)
{
	memset(p, 0, sizeof *p);
	/* The longest socket name is qmp-cli.sock; sun_path holds 108. */
	if (strlen(run) + strlen("/qmp-cli.sock") >= UNIX_PATH_LIMIT) {
		*cause = xasprintf("runtime folder %s is too long for a UNIX "
		    "socket path (at most %zu bytes): set XDG_RUNTIME_DIR to "
		    "a shorter folder", run,
		    UNIX_PATH_LIMIT - 1 - strlen("/qmp-cli.sock"));
		return (-1);
	}
	p->vmdir = xstrdup(vmdir);
	p->run = xstrdup(run);
	p->pidfile = fs_path_join(run, "qemu.pid");
	p->qmp = fs_path_join(run, "qmp.sock");
	p->qmp_cli = fs_path_join(run, "qmp-cli.sock");
	p->vnc = fs_path_join(run, "vnc.sock");
	p->vnc_pass = fs_path_join(run, "vnc.pass");
	p->serial = fs_path_join(run, "serial.sock");
	p->powerdown = fs_path_join(run, "powerdown");
	p->swtpm_sock = fs_path_join(run, "swtpm.sock");
	p->swtpm_pid = fs_path_join(run, "swtpm.pid");
	p->tpm_dir = fs_path_join(vmdir, "tpm");
	p->swtpm_log = fs_path_join(vmdir, "swtpm.log");
	p->serial_log = fs_path_join(vmdir, "serial.log");
	p->qemu_log = fs_path_join(vmdir, "qemu.log");
	return (0);
}

void
vm_paths_clear(struct vm_paths *p)
{
	free(p->vmdir);
	free(p->run);
	free(p->pidfile);
	free(p->qmp);
	free(p->qmp_cli);
	free(p->vnc);
	free(p->vnc_pass);
	free(p->serial);
	free(p->powerdown);
	free(p->swtpm_sock);
	free(p->swtpm_pid);
	free(p->tpm_dir);
	free(p->swtpm_log);
	free(p->serial_log);
	free(p->qemu_log);
	memset(p, 0, sizeof *p);
}

char *
qemu_argv_escape(const char *s)
{
	const char	*p;
	char		*out, *o;
	size_t		 n = 0;

	for (p = s; *p != '\0'; p++)
		n += *p == ',' ? 2 : 1;
	o = out = xmalloc(n + 1);
	for (p = s; *p != '\0'; p++) {
		*o++ = *p;
		if (*p == ',')
			*o++ = ',';
	}
	*o = '\0';
	return (out);
}

/* A path from the definition, absolute and escaped for an option. */
static char *
qemu_argv_file(const struct qemu_argv_in *in, const char *file)
{
	char	*full, *esc;

	full = file[0] == '/' ? xstrdup(file) :
	    fs_path_join(in->paths->vmdir, file);
	esc = qemu_argv_escape(full);
	free(full);
	return (esc);
}

static int
qemu_argv_microvm(const struct qemu_argv_in *in)
{
	return (in->def->machine == VM_MACHINE_MICROVM);
}

static int
qemu_argv_virt(const struct vm_def *def)
{
	return (def->machine == VM_MACHINE_VIRT);
}

int
qemu_argv_pcie(const struct vm_def *def)
{
	return (def->machine == VM_MACHINE_Q35 || qemu_argv_virt(def));
}

/*
 * Whether a start uses the firmware files: x86's UEFI; on virt, AAVMF
 * unless QEMU boots a kernel itself (faster under TCG, as on x86's BIOS),
 * and OpenSBI always (it is RISC-V's machine mode under the kernel).
 */
int
qemu_argv_firmware_used(const struct vm_def *def)
{
	const struct vmarch	*a = vmarch_get(vmdef_arch(def));

	if (def->firmware == VM_FIRMWARE_BIOS)
		return (0);
	if (!qemu_argv_virt(def) || a->fw_vars == NULL)
		return (1);
	return (def->boot.kernel == NULL);
}

/* A virtio device: PCI on PCs, MMIO on a microvm. */
static const char *
qemu_argv_virtio_of(const struct vm_def *def, const char *kind)
{
	static char	buf[64];

	snprintf(buf, sizeof buf, "virtio-%s-%s", kind,
	    def->machine == VM_MACHINE_MICROVM ? "device" : "pci");
	return (buf);
}

static const char *
qemu_argv_virtio(const struct qemu_argv_in *in, const char *kind)
{
	return (qemu_argv_virtio_of(in->def, kind));
}

static void
qemu_argv_machine(const struct qemu_argv_in *in, struct strv *av)
{
	const struct vm_def	*def = in->def;
	char			*name;

	name = qemu_argv_escape(def->name);
	strv_push(av, "-name");
	/* debug-threads names vCPU threads "CPU 0/TCG": graphs find them. */
	strv_pushf(av, "%s,process=vmdesk-%s,debug-threads=on", name, name);
	free(name);
	strv_push(av, "-machine");
	if (def->machine == VM_MACHINE_MICROVM)
		strv_push(av, "microvm,rtc=on");
	else if (def->firmware == VM_FIRMWARE_UEFI_SECURE)
		strv_pushf(av, "%s,smm=on", vmdef_machine_name(def->machine));
	else
		strv_push(av, vmdef_machine_name(def->machine));
	strv_push(av, "-accel");
	strv_push(av, accel_name(in->accel));
}

/*
 * The CPU model: "auto" is the host's CPU under KVM and QEMU's "max"
 * (every feature TCG emulates) otherwise. "host" without KVM would make
 * QEMU fail with "CPU model 'host' requires KVM or HVF": say it first.
 */
static int
qemu_argv_cpu(const struct qemu_argv_in *in, struct strv *av, char **cause)
{
	const char	*model = in->def->cpu_model;

	if (strcmp(model, "auto") == 0)
		model = in->accel == ACCEL_KVM ? "host" :
		    vmarch_get(vmdef_arch(in->def))->cpu_tcg;
	else if (strcmp(model, "host") == 0 && in->accel != ACCEL_KVM) {
		*cause = xasprintf("VM %s: cpu_model host needs KVM, and this "
		    "start uses %s (cpu_model=max emulates every feature)",
		    in->def->name, accel_name(in->accel));
		return (-1);
	}
	strv_push(av, "-cpu");
	strv_push(av, model);
	return (0);
}

/* ",sockets=S,cores=C,threads=T" for those given, or "". Caller frees. */
static char *
qemu_argv_topology(const struct vm_def *def)
{
	const struct {
		const char	*name;
		int		 n;
	} parts[] = {
		{ "sockets", def->sockets },
		{ "cores", def->cores },
		{ "threads", def->threads },
	};
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (parts[i].n <= 0)
			continue;
		t = xasprintf("%s,%s=%d", s, parts[i].name, parts[i].n);
		free(s);
		s = t;
	}
	return (s);
}

/* CPUs, memory, and no devices but those vmdesk adds. */
static void
qemu_argv_size(const struct qemu_argv_in *in, struct strv *av)
{
	const struct vm_def	*def = in->def;
	char			*topo;

	strv_push(av, "-smp");
	strv_pushf(av, "%d%s", def->cpus, topo = qemu_argv_topology(def));
	free(topo);
	strv_push(av, "-m");
	strv_pushf(av, "%lluM", (unsigned long long)(def->memory >> 20));
	strv_push(av, "-nodefaults");
	strv_push(av, "-no-user-config");
	if (in->paused)
		strv_push(av, "-S");
}

/* RISC-V: OpenSBI as -bios, and U-Boot as its payload without a kernel. */
static void
qemu_argv_firmware_sbi(const struct qemu_argv_in *in, struct strv *av)
{
	strv_push(av, "-bios");
	strv_push(av, in->fw_code);
	if (in->def->boot.kernel == NULL && in->fw_loader != NULL) {
		strv_push(av, "-kernel");
		strv_push(av, in->fw_loader);
	}
}

static void
qemu_argv_firmware(const struct qemu_argv_in *in, struct strv *av)
{
	char	*code, *vars;

	if (!qemu_argv_firmware_used(in->def) || in->fw_code == NULL)
		return;
	if (vmarch_get(vmdef_arch(in->def))->fw_vars == NULL &&
	    qemu_argv_virt(in->def)) {
		qemu_argv_firmware_sbi(in, av);
		return;
	}
	/*
	 * Secure Boot: only code in SMM may write the variable store, or
	 * the guest could rewrite the keys (OVMF's secboot build checks).
	 */
	if (in->def->firmware == VM_FIRMWARE_UEFI_SECURE) {
		strv_push(av, "-global");
		strv_push(av, "driver=cfi.pflash01,property=secure,value=on");
	}
	code = qemu_argv_escape(in->fw_code);
	vars = qemu_argv_file(in, in->fw_vars);
	strv_push(av, "-drive");
	strv_pushf(av, "if=pflash,format=raw,unit=0,readonly=on,file=%s",
	    code);
	strv_push(av, "-drive");
	strv_pushf(av, "if=pflash,format=raw,unit=1,file=%s", vars);
	free(code);
	free(vars);
}

/* Monitors, serial port, pidfile: how vmdesk talks to the process. */
static void
qemu_argv_control(const struct qemu_argv_in *in, struct strv *av)
{
	const struct vm_paths	*p = in->paths;
	char			*a, *b;

	a = qemu_argv_escape(p->qmp);
	b = qemu_argv_escape(p->qmp_cli);
	strv_push(av, "-chardev");
	strv_pushf(av, "socket,id=qmp,path=%s,server=on,wait=off", a);
	strv_push(av, "-mon");
	strv_push(av, "chardev=qmp,mode=control");
	strv_push(av, "-chardev");
	strv_pushf(av, "socket,id=qmp-cli,path=%s,server=on,wait=off", b);
	strv_push(av, "-mon");
	strv_push(av, "chardev=qmp-cli,mode=control");
	free(a);
	free(b);

	/* With logfile=, output nobody reads is kept, not lost. */
	a = qemu_argv_escape(p->serial);
	b = qemu_argv_escape(p->serial_log);
	strv_push(av, "-chardev");
	strv_pushf(av, "socket,id=serial0,path=%s,server=on,wait=off,"
	    "logfile=%s,logappend=on", a, b);
	strv_push(av, "-serial");
	strv_push(av, "chardev:serial0");
	free(a);
	free(b);

	a = qemu_argv_escape(p->pidfile);
	strv_push(av, "-pidfile");
	strv_push(av, a);
	free(a);
	strv_push(av, "-daemonize");
}

static void
qemu_argv_display(const struct qemu_argv_in *in, struct strv *av)
{
	char	*vnc;

	strv_push(av, "-display");
	strv_push(av, "none");
	if (in->def->display == VM_DISPLAY_NONE || qemu_argv_microvm(in))
		return;
	strv_push(av, "-device");
	if (qemu_argv_virt(in->def))
		strv_push(av, "virtio-gpu-pci");
	else
		strv_push(av, in->def->display == VM_DISPLAY_VIRTIO ?
		    "virtio-vga" : "VGA");
	vnc = qemu_argv_escape(in->paths->vnc);
	strv_push(av, "-vnc");
	strv_pushf(av, "unix:%s", vnc);
	free(vnc);
	/*
	 * VNC over TCP, when asked: loopback only, and password=on so that
	 * no client gets in before vmproc sets a password over QMP (QEMU
	 * refuses every client while none is set). Never the password
	 * itself here: the command line shows in ps.
	 */
	if (in->vnc_port != 0) {
		strv_push(av, "-vnc");
		strv_pushf(av, "127.0.0.1:%d,id=%s,password=on",
		    in->vnc_port - VMDEF_VNC_PORT_MIN, QEMU_ARGV_VNC_TCP_ID);
	}
	/* An absolute pointer, so the console view's mouse lands right. */
	strv_push(av, "-device");
	strv_push(av, "qemu-xhci,id=" QEMU_ARGV_USB_ID);
	strv_push(av, "-device");
	strv_push(av, "usb-tablet,bus=usb.0");
	/* virt has no PS/2: the keyboard typing and the console use. */
	if (qemu_argv_virt(in->def)) {
		strv_push(av, "-device");
		strv_push(av, "usb-kbd,bus=usb.0");
	}
}

/* q35 has six AHCI ports (ide.0 to ide.5); pc has two IDE buses. */
static char *
qemu_argv_ide_bus(const struct qemu_argv_in *in, int *slot)
{
	int	n = (*slot)++;

	if (in->def->machine == VM_MACHINE_PC)
		return (xasprintf("ide.%d", n / 2));
	return (xasprintf("ide.%d", n));
}

static int
qemu_argv_ide_max(const struct vm_def *def)
{
	if (qemu_argv_virt(def))
		return (0);
	return (def->machine == VM_MACHINE_PC ? 4 : 6);
}

char *
qemu_argv_disk_id(const char *name)
{
	return (xasprintf("disk-%s", name));
}

/*
 * The -device option of a disk, its id the drive's: bus NULL puts it on
 * its family's controller (the virtio-scsi one, the xHCI) or lets QEMU
 * place it (virtio, NVMe); IDE and SATA disks name theirs.
 */
char *
qemu_argv_disk_device(const struct vm_def *def, const struct vm_disk *d,
    const char *bus)
{
	static const char *const drivers[] = {
		[VM_BUS_SATA] = "ide-hd",
		[VM_BUS_IDE] = "ide-hd",
		[VM_BUS_SCSI] = "scsi-hd",
		[VM_BUS_NVME] = "nvme",
		[VM_BUS_USB] = "usb-storage",
	};
	char	*id, *s;

	id = qemu_argv_disk_id(d->name);
	if (bus == NULL && d->bus == VM_BUS_SCSI)
		bus = QEMU_ARGV_SCSI_ID ".0";
	else if (bus == NULL && d->bus == VM_BUS_USB)
		bus = QEMU_ARGV_USB_ID ".0";
	s = xasprintf("%s,drive=%s,id=%s%s%s%s%s", d->bus == VM_BUS_VIRTIO ?
	    qemu_argv_virtio_of(def, "blk") : drivers[d->bus], id, id,
	    bus != NULL ? ",bus=" : "", bus != NULL ? bus : "",
	    d->bus == VM_BUS_NVME ? ",serial=" : "",
	    d->bus == VM_BUS_NVME ? d->name : "");
	free(id);
	return (s);
}

int
qemu_argv_disk_hotplug(const struct vm_def *def, enum vm_disk_bus bus)
{
	if (def->machine == VM_MACHINE_MICROVM)
		return (0);
	/* AHCI and IDE: "Bus 'ide.2' does not support hotplugging". */
	return (bus != VM_BUS_SATA && bus != VM_BUS_IDE);
}

/* Whether the display's xHCI controller (id usb) is there. */
static int
qemu_argv_display_usb(const struct qemu_argv_in *in)
{
	return (in->def->display != VM_DISPLAY_NONE && !qemu_argv_microvm(in));
}

/* Whether a disk is on the USB bus (then the disks bring the xHCI). */
static int
qemu_argv_usb_disks(const struct vm_def *def)
{
	size_t	i;

	for (i = 0; i < def->ndisks; i++) {
		if (def->disks[i].bus == VM_BUS_USB)
			return (1);
	}
	return (0);
}

/* The controllers disks need: virtio-scsi, and an xHCI when none is. */
static int
qemu_argv_disk_controllers(const struct qemu_argv_in *in, struct strv *av,
    char **cause)
{
	const struct vm_def	*def = in->def;
	size_t			 i;
	int			 scsi = 0, usb = 0;

	/* virt has no IDE: its CD drive is on virtio-scsi. */
	scsi = qemu_argv_virt(def);
	for (i = 0; i < def->ndisks; i++)
		scsi |= def->disks[i].bus == VM_BUS_SCSI;
	usb = qemu_argv_usb_disks(def);
	if (usb && qemu_argv_microvm(in)) {
		*cause = xasprintf("VM %s: a microvm has no USB bus for a USB "
		    "disk", def->name);
		return (-1);
	}
	if (scsi) {
		strv_push(av, "-device");
		strv_push(av, "virtio-scsi-pci,id=" QEMU_ARGV_SCSI_ID);
	}
	if (usb && !qemu_argv_display_usb(in)) {
		strv_push(av, "-device");
		strv_push(av, "qemu-xhci,id=" QEMU_ARGV_USB_ID);
	}
	return (0);
}

/*
 * Spare PCIe root ports on q35, where the root bus takes no hot-plug
 * ("Bus 'pcie.0' does not support hotplugging"): a disk (or any PCI
 * device) added while the VM runs goes on a free one.
 */
static void
qemu_argv_hotplug_ports(const struct qemu_argv_in *in, struct strv *av)
{
	int	i;

	if (!qemu_argv_pcie(in->def))
		return;
	for (i = 0; i < QEMU_ARGV_HOTPLUG_PORTS; i++) {
		strv_push(av, "-device");
		strv_pushf(av, "pcie-root-port,id=%s%d,chassis=%d",
		    QEMU_ARGV_HOTPLUG_PORT, i, QEMU_ARGV_HOTPLUG_CHASSIS + i);
	}
}

static int
qemu_argv_disk(const struct qemu_argv_in *in, const struct vm_disk *d,
    int *ide_slot, struct strv *av)
{
	char	*file, *bus = NULL, *id, *dev;

	if (d->bus == VM_BUS_SATA || d->bus == VM_BUS_IDE) {
		if (*ide_slot >= qemu_argv_ide_max(in->def))
			return (-1);
		bus = qemu_argv_ide_bus(in, ide_slot);
	}
	file = qemu_argv_file(in, d->file);
	id = qemu_argv_disk_id(d->name);
	strv_push(av, "-drive");
	strv_pushf(av, "if=none,id=%s,file=%s,format=%s%s", id, file,
	    vmdef_format_name(d->format), d->readonly ? ",readonly=on" : "");
	strv_push(av, "-device");
	dev = qemu_argv_disk_device(in->def, d, bus);
	strv_push(av, dev);
	free(dev);
	free(id);
	free(file);
	free(bus);
	return (0);
}
/*
 * The CD drive, id cdrom: with boot.iso in it, or empty on q35 and pc
 * when an IDE/SATA port is left, so vmdesk media insert can load a disc
 * into a running VM (QEMU cannot hot-plug an IDE or SATA drive). On virt
 * (no IDE) it is a SCSI CD on the virtio-scsi controller.
 */
static int
qemu_argv_cdrom(const struct qemu_argv_in *in, int *ide_slot,
    struct strv *av)
{
	char	*file, *bus;

	if (qemu_argv_microvm(in))
		return (in->def->boot.iso != NULL ? -1 : 0);
	if (qemu_argv_virt(in->def))
		bus = xstrdup(QEMU_ARGV_SCSI_ID ".0");
	else if (*ide_slot >= qemu_argv_ide_max(in->def))
		return (in->def->boot.iso != NULL ? -1 : 0);
	else
		bus = qemu_argv_ide_bus(in, ide_slot);
	strv_push(av, "-drive");
	if (in->def->boot.iso != NULL) {
		file = qemu_argv_file(in, in->def->boot.iso);
		/*
		 * format=raw: QEMU never probes a CD's format, so an ISO that
		 * is really a qcow2 or VMDK cannot name a host file.
		 */
		strv_pushf(av, "if=none,id=%s,file=%s,format=raw,"
		    "media=cdrom,readonly=on", QEMU_ARGV_CDROM_ID, file);
		free(file);
	} else
		strv_push(av, "if=none,id=" QEMU_ARGV_CDROM_ID ",media=cdrom,"
		    "readonly=on");
	strv_push(av, "-device");
	strv_pushf(av, "%s,drive=%s,bus=%s,id=%s", qemu_argv_virt(in->def) ?
	    "scsi-cd" : "ide-cd", QEMU_ARGV_CDROM_ID, bus, QEMU_ARGV_CDROM_ID);
	free(bus);
	return (0);
}

static int
qemu_argv_disks(const struct qemu_argv_in *in, struct strv *av,
    char **cause)
{
	const struct vm_def	*def = in->def;
	size_t			 i;
	int			 ide_slot = 0;

	if (qemu_argv_disk_controllers(in, av, cause) != 0)
		return (-1);
	qemu_argv_hotplug_ports(in, av);
	for (i = 0; i < def->ndisks; i++) {
		if (qemu_argv_disk(in, &def->disks[i], &ide_slot, av) != 0)
			goto full;
	}
	if (qemu_argv_cdrom(in, &ide_slot, av) != 0)
		goto full;
	return (0);

full:
	if (qemu_argv_microvm(in))
		*cause = xasprintf("VM %s: a microvm has no CD drive",
		    def->name);
	else
		*cause = xasprintf("VM %s: too many IDE/SATA disks and "
		    "CD-ROMs for a %s machine (at most %d)", def->name,
		    vmdef_machine_name(def->machine), qemu_argv_ide_max(def));
	return (-1);
}

void
qemu_argv_private_group(const char *net, char *buf, size_t len)
{
	uint32_t		 h = 2166136261u;
	const unsigned char	*p;

	/* FNV-1a: the same name gives the same group on every host. */
	for (p = (const unsigned char *)net; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	snprintf(buf, len, "239.255.%u.%u:%u", (h >> 8) & 0xff, h & 0xff,
	    QEMU_ARGV_PRIVATE_PORT_MIN + (h >> 16) % QEMU_ARGV_PRIVATE_PORTS);
}

/*
 * A NIC's network, when it is not user-mode NAT: a host bridge through
 * QEMU's setuid helper, or a private network as a multicast group on
 * loopback (TTL 1, so nothing leaves the host): every QEMU that joins the
 * group hears the others' frames, and nobody else's.
 */
static int
qemu_argv_netdev_other(const struct vm_nic *n, struct strv *av)
{
	const char	*arg;
	char		 group[32];

	switch (vmdef_nic_net(n, &arg)) {
	case VM_NET_BRIDGE:
		strv_push(av, "-netdev");
		strv_pushf(av, "bridge,id=net-%s,br=%s,helper=%s", n->name,
		    arg, QEMU_ARGV_BRIDGE_HELPER);
		return (1);
	case VM_NET_PRIVATE:
		qemu_argv_private_group(arg, group, sizeof group);
		strv_push(av, "-netdev");
		strv_pushf(av, "socket,id=net-%s,mcast=%s,localaddr=127.0.0.1",
		    n->name, group);
		return (1);
	default:
		return (0);
	}
}

static void
qemu_argv_nics(const struct qemu_argv_in *in, struct strv *av)
{
	const struct vm_nic	*n;
	struct strv		 opt;
	char			*s;
	size_t			 i, j;

	for (i = 0; i < in->def->nnics; i++) {
		n = &in->def->nics[i];
		if (qemu_argv_netdev_other(n, av))
			goto device;
		strv_init(&opt);
		strv_pushf(&opt, "user,id=net-%s", n->name);
		/* Forwards listen on loopback only: nothing faces the network. */
		for (j = 0; j < n->nforwards; j++) {
			strv_pushf(&opt, "hostfwd=%s:127.0.0.1:%d-:%d",
			    n->forwards[j].udp ? "udp" : "tcp",
			    n->forwards[j].host_port,
			    n->forwards[j].guest_port);
		}
		s = strv_join(&opt, ",");
		strv_push(av, "-netdev");
		strv_push(av, s);
		free(s);
		strv_clear(&opt);
device:
		strv_push(av, "-device");
		if (n->model == VM_NIC_VIRTIO)
			strv_pushf(av, "%s,netdev=net-%s,mac=%s",
			    qemu_argv_virtio(in, "net"), n->name, n->mac);
		else
			strv_pushf(av, "%s,netdev=net-%s,mac=%s",
			    vmdef_nic_name(n->model), n->name, n->mac);
	}
}

/*
 * Shared folders: virtio-fs through the share's virtiofsd (vmproc starts
 * it first), whose vhost-user device needs the guest's RAM in shared
 * memory (only then, so other VMs keep private RAM); 9p served by QEMU
 * itself otherwise, guest ownership kept in xattrs (mapped-xattr).
 */
static int
qemu_argv_shares(const struct qemu_argv_in *in, struct strv *av,
    char **cause)
{
	const struct vm_share	*s;
	char			*path, *tag, *why = NULL;
	size_t			 i;
	int			 mode, shm = 0;

	for (i = 0; i < in->def->nshares; i++) {
		s = &in->def->shares[i];
		if ((mode = virtiofsd_share_mode(in->virtiofsd, s,
		    &why)) == -1) {
			*cause = xasprintf("VM %s: share %s wants virtio-fs: "
			    "%s", in->def->name, s->name, why);
			free(why);
			return (-1);
		}
		free(why);
		why = NULL;
		tag = qemu_argv_escape(vmdef_share_tag(s));
		if (mode == VM_SHARE_9P) {
			path = qemu_argv_escape(s->path);
			strv_push(av, "-fsdev");
			strv_pushf(av, "local,id=fsdev-%s,path=%s,"
			    "security_model=mapped-xattr%s", s->name, path,
			    s->readonly ? ",readonly=on" : "");
			strv_push(av, "-device");
			strv_pushf(av, "%s,id=share-%s,fsdev=fsdev-%s,"
			    "mount_tag=%s", qemu_argv_virtio(in, "9p"),
			    s->name, s->name, tag);
		} else {
			if (!shm++) {
				strv_push(av, "-object");
				strv_pushf(av, "memory-backend-memfd,id=mem,"
				    "size=%lluM,share=on", (unsigned long long)
				    (in->def->memory >> 20));
				strv_push(av, "-machine");
				strv_push(av, "memory-backend=mem");
			}
			path = virtiofsd_socket(in->paths->run, s->name);
			strv_push(av, "-chardev");
			strv_pushf(av, "socket,id=fs-%s,path=%s", s->name,
			    path);
			strv_push(av, "-device");
			strv_pushf(av, "vhost-user-fs-%s,id=share-%s,"
			    "chardev=fs-%s,tag=%s", qemu_argv_microvm(in) ?
			    "device" : "pci", s->name, s->name, tag);
		}
		free(path);
		free(tag);
	}
	return (0);
}

/*
 * USB sticks from image files (raw, never probed, as imgcheck vouched at
 * usb add) and host devices, on the xHCI controller the display brings
 * (added here for a VM without one). Ids as hwusb's hot-plug uses them.
 */
static int
qemu_argv_usbs(const struct qemu_argv_in *in, struct strv *av, char **cause)
{
	const struct vm_usb	*u;
	unsigned		 vendor, product;
	char			*file;
	size_t			 i;

	if (in->def->nusbs == 0)
		return (0);
	if (qemu_argv_microvm(in)) {
		*cause = xasprintf("VM %s: a microvm has no USB",
		    in->def->name);
		return (-1);
	}
	/* One xHCI: the display's, or the USB disks', or this one. */
	if (!qemu_argv_display_usb(in) && !qemu_argv_usb_disks(in->def)) {
		strv_push(av, "-device");
		strv_push(av, "qemu-xhci,id=" QEMU_ARGV_USB_ID);
	}
	for (i = 0; i < in->def->nusbs; i++) {
		u = &in->def->usbs[i];
		strv_push(av, "-device");
		if (u->host != NULL && vmdef_usb_id(u->host, &vendor,
		    &product) == 0) {
			strv_pushf(av, "usb-host,bus=usb.0,vendorid=0x%04x,"
			    "productid=0x%04x,id=" QEMU_ARGV_USB_DEV, vendor,
			    product, u->name);
			continue;
		}
		strv_pushf(av, "usb-storage,bus=usb.0,drive=" QEMU_ARGV_USB_NODE
		    ",id=" QEMU_ARGV_USB_DEV ",removable=on", u->name,
		    u->name);
	}
	for (i = 0; i < in->def->nusbs; i++) {
		u = &in->def->usbs[i];
		if (u->file == NULL)
			continue;
		file = qemu_argv_file(in, u->file);
		strv_push(av, "-blockdev");
		strv_pushf(av, "driver=raw,node-name=" QEMU_ARGV_USB_NODE
		    ",read-only=%s,file.driver=file,file.filename=%s", u->name,
		    u->readonly ? "on" : "off", file);
		free(file);
	}
	return (0);
}

static void
qemu_argv_devices(const struct qemu_argv_in *in, struct strv *av)
{
	/* Memory statistics and ballooning, for the desktop's graphs. */
	strv_push(av, "-device");
	strv_pushf(av, "%s,id=balloon0", qemu_argv_virtio(in, "balloon"));
	strv_push(av, "-device");
	strv_push(av, qemu_argv_virtio(in, "rng"));
}

/*
 * A TPM 2.0 from swtpm (started first by vmproc), on the CRB interface:
 * the TPM 2.0 one, which Windows 11 and Linux drive on q35 and pc alike
 * (aarch64's virt: its TIS device, as the arch table says).
 */
static int
qemu_argv_tpm(const struct qemu_argv_in *in, struct strv *av, char **cause)
{
	char	*sock;

	if (!in->def->tpm)
		return (0);
	if (qemu_argv_microvm(in)) {
		*cause = xasprintf("VM %s: a microvm has no TPM",
		    in->def->name);
		return (-1);
	}
	sock = qemu_argv_escape(in->paths->swtpm_sock);
	strv_push(av, "-chardev");
	strv_pushf(av, "socket,id=chrtpm,path=%s", sock);
	strv_push(av, "-tpmdev");
	strv_push(av, "emulator,id=tpm0,chardev=chrtpm");
	strv_push(av, "-device");
	strv_pushf(av, "%s,tpmdev=tpm0",
	    vmarch_get(vmdef_arch(in->def))->tpm);
	free(sock);
	return (0);
}

static void
qemu_argv_boot(const struct qemu_argv_in *in, struct strv *av)
{
	const struct vm_boot	*b = &in->def->boot;
	char			*full;

	if (b->kernel != NULL) {
		full = b->kernel[0] == '/' ? xstrdup(b->kernel) :
		    fs_path_join(in->paths->vmdir, b->kernel);
		strv_push(av, "-kernel");
		strv_push(av, full);
		free(full);
	}
	if (b->initrd != NULL) {
		full = b->initrd[0] == '/' ? xstrdup(b->initrd) :
		    fs_path_join(in->paths->vmdir, b->initrd);
		strv_push(av, "-initrd");
		strv_push(av, full);
		free(full);
	}
	if (b->cmdline != NULL) {
		strv_push(av, "-append");
		strv_push(av, b->cmdline);
	}
	if (b->order != NULL && !qemu_argv_microvm(in) &&
	    (full = vmdef_boot_letters(b->order)) != NULL) {
		strv_push(av, "-boot");
		strv_pushf(av, "order=%s", full);
		free(full);
	}
}

int
qemu_argv_build(const struct qemu_argv_in *in, struct strv *av, char **cause)
{
	strv_push(av, in->qemu);
	qemu_argv_machine(in, av);
	if (qemu_argv_cpu(in, av, cause) != 0)
		return (-1);
	qemu_argv_size(in, av);
	qemu_argv_firmware(in, av);
	qemu_argv_control(in, av);
	qemu_argv_display(in, av);
	if (qemu_argv_disks(in, av, cause) != 0)
		return (-1);
	qemu_argv_nics(in, av);
	if (qemu_argv_shares(in, av, cause) != 0)
		return (-1);
	if (qemu_argv_usbs(in, av, cause) != 0)
		return (-1);
	qemu_argv_devices(in, av);
	if (qemu_argv_tpm(in, av, cause) != 0)
		return (-1);
	qemu_argv_boot(in, av);
	/* QEMU restores the disks and the RAM before the guest runs. */
	if (in->loadvm != NULL) {
		strv_push(av, "-loadvm");
		strv_push(av, in->loadvm);
	}
	return (0);
}
