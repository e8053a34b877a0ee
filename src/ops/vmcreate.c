/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Making a new VM from a template, an image or an installer ISO. */
#include "config.h"

#include "ops/vmcreate.h"

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/qemu_img.h"
#include "images/cloudinit.h"
#include "images/imgcache.h"
#include "images/resolve.h"
#include "images/tinylinux.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/netport.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* What the new VM's first disk is. */
enum vmcreate_disk {
	VMCREATE_BLANK,		/* an empty qcow2 */
	VMCREATE_OVERLAY,	/* an overlay on a cached image */
	VMCREATE_INSTALL	/* empty, with an installer ISO */
};

/* Every architecture vmdesk runs, in core/vmarch's order. */
static void
vmcreate_any_arch(struct template *t)
{
	char	*all, *next, *word;

	all = next = vmarch_list_all();
	while ((word = strsep(&next, " ")) != NULL &&
	    t->narchs < TEMPLATE_ARCH_MAX) {
		if (*word != '\0')
			t->src[t->narchs++].arch = xstrdup(word);
	}
	free(all);
	t->arch = t->src[0].arch;
}

struct template *
vmcreate_bare_template(int iso)
{
	struct template	*t;

	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(iso ? "iso" : "image");
	/* An image or installer of the user's: any architecture. */
	vmcreate_any_arch(t);
	t->machine = VM_MACHINE_Q35;
	t->firmware = VM_FIRMWARE_BIOS;
	t->display = VM_DISPLAY_VGA;
	t->cpus = 2;
	t->memory = 1ULL << 30;
	t->disk_size = iso ? 20ULL << 30 : 0;
	t->bus = VM_BUS_VIRTIO;
	t->model = VM_NIC_VIRTIO;
	t->boot = iso ? TEMPLATE_BOOT_ISO : TEMPLATE_BOOT_IMAGE;
	t->format = iso ? TEMPLATE_FORMAT_ISO : TEMPLATE_FORMAT_QCOW2;
	return (t);
}

/*
 * The template's own image or ISO for the chosen arch: its index
 * resolved to the current release, or its pin (res owns the strings).
 */
static int
vmcreate_template_source(const struct library *lib,
    const struct template *t, const struct template_opts *opt,
    struct resolve_result *res, struct imgcache_source *src, char **cause)
{
	struct template_source	 s;
	char			*archs;

	if (template_source(t, opt->arch, &s) != 0) {
		archs = template_archs(t);
		*cause = xasprintf("template %s has no %s image (it has: %s)",
		    t->name, opt->arch, archs);
		free(archs);
		return (-1);
	}
	if (s.url == NULL)
		return (0);
	if (resolve_source(lib, &s, 0, res, cause) != 0)
		return (-1);
	resolve_imgcache_source(t, &s, res, src);
	return (0);
}

/* Where the VM's disk or ISO comes from, if anywhere; -1 and *cause when
 * the template needs something not given. */
static int
vmcreate_source(const struct library *lib, const struct template *t,
    const struct template_opts *opt, struct resolve_result *res,
    struct imgcache_source *src, enum vmcreate_disk *kind, char **cause)
{
	memset(src, 0, sizeof *src);
	*kind = VMCREATE_BLANK;
	if (opt->image != NULL && opt->iso != NULL) {
		*cause = xstrdup("give an image or an ISO, not both");
		return (-1);
	}
	if (opt->image != NULL) {
		src->url = opt->image;
		src->sha256 = opt->sha256;
		src->format = -1;
		*kind = VMCREATE_OVERLAY;
	} else if (opt->iso != NULL) {
		src->url = opt->iso;
		src->sha256 = opt->sha256;
		src->format = TEMPLATE_FORMAT_ISO;
		*kind = VMCREATE_INSTALL;
	} else if (vmcreate_template_source(lib, t, opt, res, src,
	    cause) != 0)
		return (-1);
	else if (src->url != NULL)
		/* An image is the VM's disk (tinylinux: its /data disk). */
		*kind = t->boot == TEMPLATE_BOOT_ISO ? VMCREATE_INSTALL :
		    VMCREATE_OVERLAY;
	else if (t->boot == TEMPLATE_BOOT_ISO) {
		*cause = xasprintf("template %s brings no ISO of its own: give "
		    "one with --iso PATH|URL", t->name);
		return (-1);
	} else if (t->boot == TEMPLATE_BOOT_IMAGE) {
		*cause = xasprintf("template %s names no image (url=)",
		    t->name);
		return (-1);
	}
	/* Bytes that crossed a network unencrypted must be pinned. */
	if (src->url != NULL && strstr(src->url, "://") != NULL &&
	    !str_has_prefix(src->url, "file://") &&
	    !template_url_secure(src->url) && src->sha256 == NULL) {
		*cause = xasprintf("%s is not https: give its --sha256 (or an "
		    "https:// URL), so the bytes can be trusted", src->url);
		return (-1);
	}
	return (0);
}

/*
 * A qcow2 overlay on a cached base, grown to size: -u, as the base's
 * format and size are known, so qemu-img never reads it and the time
 * is the same whatever its size.
 */
static int
vmcreate_overlay(const char *path, const char *base, uint64_t size,
    char **cause)
{
	struct strv	args;
	int		rc;

	strv_init(&args);
	qemu_img_overlay_args(&args, path, base, size);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	return (rc);
}

/* Name the first disk: data.qcow2 for tinylinux's /data, else disk. */
static void
vmcreate_name_disk(struct vm_def *def, const struct template *t,
    enum vmcreate_disk kind)
{
	struct vm_disk	*d = &def->disks[0];

	if (kind == VMCREATE_BLANK || t->boot == TEMPLATE_BOOT_TINYLINUX)
		return;
	free(d->name);
	d->name = xstrdup("disk");
	free(d->file);
	d->file = xstrdup("disk.qcow2");
}

/* Whether a forward of def other than skip uses f's host port. */
static int
vmcreate_uses_port(const struct vm_def *def, const struct vm_forward *f,
    const struct vm_forward *skip)
{
	const struct vm_forward	*g;
	size_t			 i, j;

	for (i = 0; i < def->nnics; i++) {
		for (j = 0; j < def->nics[i].nforwards; j++) {
			g = &def->nics[i].forwards[j];
			if (g != skip && g->udp == f->udp &&
			    g->host_port == f->host_port)
				return (1);
		}
	}
	return (0);
}

/* Whether other uses a host port that one of def's forwards uses. */
static int
vmcreate_shares_port(const struct vm_def *def, const struct vm_def *other)
{
	size_t	i, j;

	for (i = 0; i < def->nnics; i++) {
		for (j = 0; j < def->nics[i].nforwards; j++) {
			if (vmcreate_uses_port(other,
			    &def->nics[i].forwards[j], NULL))
				return (1);
		}
	}
	return (0);
}

/* The definitions of every VM of the library but def's. */
static struct vm_def **
vmcreate_others(const struct library *lib, const struct vm_def *def,
    size_t *np)
{
	struct vm_def	**v, *other;
	struct strv	  names;
	char		 *why = NULL;
	size_t		  n;

	*np = 0;
	strv_init(&names);
	if (library_list(lib, &names, &why) != 0) {
		free(why);
		why = NULL;
	}
	v = xcalloc(names.n + 1, sizeof *v);
	for (n = 0; n < names.n; n++) {
		if (strcmp(names.v[n], def->name) == 0)
			continue;
		if ((other = library_load(lib, names.v[n], &why)) == NULL) {
			free(why);
			why = NULL;
			continue;
		}
		v[(*np)++] = other;
	}
	strv_clear(&names);
	return (v);
}

static void
vmcreate_others_free(struct vm_def **v, size_t n)
{
	while (n > 0)
		vmdef_free(v[--n]);
	free(v);
}

/* Give f a host port free now that def and no other VM uses. */
static int
vmcreate_new_port(struct vm_def *def, struct vm_forward *f,
    struct vm_def **others, size_t nothers, char **cause)
{
	size_t	k;
	int	tries, used;

	for (tries = 0; tries < 64; tries++) {
		if ((f->host_port = netport_free_proto(f->udp, cause)) == -1)
			return (-1);
		used = vmcreate_uses_port(def, f, f);
		for (k = 0; k < nothers && !used; k++)
			used = vmcreate_uses_port(others[k], f, NULL);
		if (!used)
			return (0);
	}
	*cause = xasprintf("no free %s port on 127.0.0.1 that no VM uses",
	    f->udp ? "UDP" : "TCP");
	return (-1);
}

int
vmcreate_new_ports(const struct library *lib, struct vm_def *def,
    struct strv *notes, char **cause)
{
	struct vm_def		**others;
	struct vm_forward	 *f;
	size_t			  i, j, n;
	int			  old, rc = 0;

	others = vmcreate_others(lib, def, &n);
	for (i = 0; i < def->nnics && rc == 0; i++) {
		for (j = 0; j < def->nics[i].nforwards && rc == 0; j++) {
			f = &def->nics[i].forwards[j];
			old = f->host_port;
			if ((rc = vmcreate_new_port(def, f, others, n,
			    cause)) != 0 || notes == NULL)
				continue;
			strv_pushf(notes, "forward %s %d->%d is now %d->%d",
			    f->udp ? "udp" : "tcp", old, f->guest_port,
			    f->host_port, f->guest_port);
		}
	}
	vmcreate_others_free(others, n);
	return (rc);
}

int
vmcreate_port_taken(const struct library *lib, const struct vm_def *def)
{
	struct vm_def	**others;
	size_t		  k, n;
	int		  taken = 0;

	others = vmcreate_others(lib, def, &n);
	for (k = 0; k < n && !taken; k++)
		taken = vmcreate_shares_port(def, others[k]);
	vmcreate_others_free(others, n);
	return (taken);
}

/* The first NIC forwards a free host port to the guest's ssh. */
static int
vmcreate_ssh_forward(struct vm_def *def, char **cause)
{
	struct vm_nic	*nic;
	size_t		 i, j;
	int		 port;

	if (def->nnics == 0)
		return (0);
	for (i = 0; i < def->nnics; i++) {
		for (j = 0; j < def->nics[i].nforwards; j++) {
			if (!def->nics[i].forwards[j].udp &&
			    def->nics[i].forwards[j].guest_port == 22)
				return (0);
		}
	}
	if ((port = netport_free(cause)) == -1)
		return (-1);
	nic = &def->nics[0];
	nic->forwards = xreallocarray(nic->forwards, nic->nforwards + 1,
	    sizeof *nic->forwards);
	nic->forwards[nic->nforwards].udp = 0;
	nic->forwards[nic->nforwards].host_port = port;
	nic->forwards[nic->nforwards].guest_port = 22;
	nic->nforwards++;
	return (0);
}

/* The NoCloud seed, the login and a fresh instance id. */
static int
vmcreate_cloudinit(const struct template *t, const struct template_opts *opt,
    struct vm_def *def, const char *stage, char **cause)
{
	struct cloudinit	 ci;
	struct strv		 keys;
	struct passwd		*pw;
	const char		*user;
	char			*hash = NULL, *seed;
	int			 rc = -1;

	if ((user = opt->user) == NULL && (user = t->user) == NULL) {
		pw = getpwuid(getuid());
		user = pw != NULL && pw->pw_uid != 0 ? pw->pw_name : "vmdesk";
	}
	if (cloudinit_user_check(user, cause) != 0)
		return (-1);
	strv_init(&keys);
	if (cloudinit_read_keys(opt->ssh_keys, &keys, cause) != 0)
		goto out;
	if (opt->password != NULL &&
	    (hash = cloudinit_hash_password(opt->password, cause)) == NULL)
		goto out;
	if (hash == NULL && keys.n == 0) {
		*cause = xstrdup("cloud-init: no way to log in: no ~/.ssh/"
		    "*.pub key; give --ssh-key FILE or --password");
		goto out;
	}
	free(def->user);
	def->user = xstrdup(user);
	free(def->instance_id);
	def->instance_id = cloudinit_instance_id();
	if (vmcreate_ssh_forward(def, cause) != 0)
		goto out;
	memset(&ci, 0, sizeof ci);
	ci.instance_id = def->instance_id;
	ci.hostname = def->name;
	ci.user = user;
	ci.password_hash = hash;
	ci.keys = &keys;
	ci.runcmds = opt->runcmds;
	seed = fs_path_join(stage, CLOUDINIT_SEED);
	rc = cloudinit_write_seed(seed, &ci, cause);
	free(seed);
out:
	free(hash);
	strv_clear(&keys);
	return (rc);
}

int
vmcreate_from_template(const struct library *lib, const struct template *t,
    const char *name, const struct template_opts *opt,
    imgcache_progress_cb progress, void *arg, char **note, char **cause)
{
	struct resolve_result	 res;
	struct imgcache_source	 src;
	struct imgcache_entry	*e = NULL;
	enum vmcreate_disk	 kind;
	struct tinylinux	 tl;
	struct vm_def		*def = NULL;
	enum vm_arch		 arch;
	char			*stage, *disk, *conf, *archs, *why = NULL;
	uint64_t		 size;
	int			 rc = -1, hold;

	memset(&tl, 0, sizeof tl);
	memset(&res, 0, sizeof res);
	if (note != NULL)
		*note = NULL;
	archs = template_archs(t);
	rc = vmarch_list_pick(archs, opt->arch, &arch, &why);
	free(archs);
	if (rc != 0) {
		*cause = xasprintf("template %s: %s", t->name, why);
		free(why);
		return (-1);
	}
	rc = -1;
	if (vmcreate_source(lib, t, opt, &res, &src, &kind, cause) != 0) {
		resolve_result_clear(&res);
		return (-1);
	}
	if (note != NULL) {
		*note = res.note;
		res.note = NULL;
	}
	if (!t->cloud_init && (opt->user != NULL || opt->password != NULL ||
	    (opt->ssh_keys != NULL && opt->ssh_keys->n > 0) ||
	    (opt->runcmds != NULL && opt->runcmds->n > 0))) {
		*cause = xasprintf("template %s has no cloud-init: --user, "
		    "--password and --ssh-key do not apply", t->name);
		return (-1);
	}
	/* Until the VM is in place, prune must not take its image. */
	if ((hold = imgcache_hold(lib, 0, cause)) < 0)
		goto fail;
	if ((stage = library_create_begin(lib, name, cause)) == NULL) {
		imgcache_release(hold);
		goto fail;
	}
	if (t->boot == TEMPLATE_BOOT_TINYLINUX &&
	    tinylinux_prepare(lib->images, arch, &tl, cause) != 0)
		goto out;
	if (src.url != NULL && (e = imgcache_fetch(lib, &src, progress, arg,
	    cause)) == NULL)
		goto out;
	if (e != NULL && kind == VMCREATE_OVERLAY &&
	    strcmp(e->format, "iso") == 0) {
		*cause = xasprintf("%s is an ISO image, not a disk: create "
		    "with --iso", src.url);
		goto out;
	}
	def = template_to_vmdef(t, name, opt, &tl);
	crashpoint("create: template prepared");
	vmcreate_name_disk(def, t, kind);
	if (t->cloud_init &&
	    (rc = vmcreate_cloudinit(t, opt, def, stage, cause)) != 0)
		goto out;
	size = opt->disk_size > 0 ? opt->disk_size : t->disk_size;
	disk = vmdef_disk_path(&def->disks[0], stage);
	if (kind == VMCREATE_OVERLAY) {
		if (size < e->vsize)
			size = e->vsize;
		rc = vmcreate_overlay(disk, e->path, size, cause);
	} else
		rc = qemu_img_create(disk, size, NULL, cause);
	free(disk);
	if (rc != 0)
		goto out;
	if (kind == VMCREATE_INSTALL) {
		free(def->boot.iso);
		def->boot.iso = xstrdup(e->path);
		if (def->boot.order == NULL)
			def->boot.order = xstrdup("cd");
	} else if (kind == VMCREATE_OVERLAY && def->boot.kernel == NULL &&
	    def->boot.order == NULL)
		def->boot.order = xstrdup("c");
	if (opt->edit != NULL &&
	    (rc = opt->edit(def, opt->edit_arg, cause)) != 0)
		goto out;
	if ((rc = vmdef_validate(def, stage, cause)) != 0)
		goto out;
	conf = fs_path_join(stage, "vm.conf");
	rc = vmdef_save(def, conf, cause);
	free(conf);
	if (rc == 0)
		rc = library_create_commit(lib, name, stage, cause);
out:
	if (rc != 0)
		library_create_abort(stage);
	imgcache_release(hold);
	free(stage);
	vmdef_free(def);
	imgcache_entry_free(e);
	tinylinux_clear(&tl);
	resolve_result_clear(&res);
	return (rc);

fail:
	resolve_result_clear(&res);
	if (note != NULL) {
		free(*note);
		*note = NULL;
	}
	return (-1);
}
