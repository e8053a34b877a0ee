/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Making a new VM from a template. */
#include "config.h"

#include "images/vmcreate.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "images/cloudinit.h"
#include "images/qemu_img.h"
#include "images/tinylinux.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

int
vmcreate_free_port(char **cause)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0)) == -1) {
		*cause = xasprintf("socket: %s", strerror(errno));
		return (-1);
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	else
		*cause = xasprintf("no free port on 127.0.0.1: %s",
		    strerror(errno));
	close(fd);
	return (port);
}

int
vmcreate_new_ssh_port(struct vm_def *def, char **cause)
{
	size_t	i, j;
	int	port;

	for (i = 0; i < def->nnics; i++) {
		for (j = 0; j < def->nics[i].nforwards; j++) {
			if (def->nics[i].forwards[j].udp ||
			    def->nics[i].forwards[j].guest_port != 22)
				continue;
			if ((port = vmcreate_free_port(cause)) == -1)
				return (-1);
			def->nics[i].forwards[j].host_port = port;
		}
	}
	return (0);
}

/* Whether other forwards a host port that def's ssh forward uses. */
static int
vmcreate_shares_port(const struct vm_def *def, const struct vm_def *other)
{
	const struct vm_forward	*f, *g;
	size_t			 i, j, k, l;

	for (i = 0; i < def->nnics; i++) {
		for (j = 0; j < def->nics[i].nforwards; j++) {
			f = &def->nics[i].forwards[j];
			if (f->udp || f->guest_port != 22)
				continue;
			for (k = 0; k < other->nnics; k++) {
				for (l = 0; l < other->nics[k].nforwards; l++) {
					g = &other->nics[k].forwards[l];
					if (!g->udp && g->host_port ==
					    f->host_port)
						return (1);
				}
			}
		}
	}
	return (0);
}

int
vmcreate_port_taken(const struct library *lib, const struct vm_def *def)
{
	struct vm_def	*other;
	struct strv	 names;
	char		*why = NULL;
	size_t		 n;
	int		 taken = 0;

	strv_init(&names);
	if (library_list(lib, &names, &why) != 0) {
		free(why);
		return (0);
	}
	for (n = 0; n < names.n && !taken; n++) {
		if ((other = library_load(lib, names.v[n], &why)) == NULL) {
			free(why);
			why = NULL;
			continue;
		}
		taken = vmcreate_shares_port(def, other);
		vmdef_free(other);
	}
	strv_clear(&names);
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
	if ((port = vmcreate_free_port(cause)) == -1)
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
    const char *name, const struct template_opts *opt, char **cause)
{
	struct tinylinux	 tl;
	struct vm_def		*def;
	char			*stage, *disk, *conf;
	uint64_t		 size;
	int			 rc = -1;

	memset(&tl, 0, sizeof tl);
	if (!t->cloud_init && (opt->user != NULL || opt->password != NULL ||
	    (opt->ssh_keys != NULL && opt->ssh_keys->n > 0))) {
		*cause = xasprintf("template %s has no cloud-init: --user, "
		    "--password and --ssh-key do not apply", t->name);
		return (-1);
	}
	if ((stage = library_create_begin(lib, name, cause)) == NULL)
		return (-1);
	if (t->boot == TEMPLATE_BOOT_TINYLINUX &&
	    tinylinux_prepare(lib->images, &tl, cause) != 0) {
		library_create_abort(stage);
		free(stage);
		return (-1);
	}
	def = template_to_vmdef(t, name, opt, &tl);
	if (t->cloud_init &&
	    (rc = vmcreate_cloudinit(t, opt, def, stage, cause)) != 0)
		goto out;
	size = opt->disk_size > 0 ? opt->disk_size : t->disk_size;
	disk = fs_path_join(stage, "data.qcow2");
	rc = qemu_img_create(disk, size, NULL, cause);
	free(disk);
	if (rc != 0)
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
	free(stage);
	vmdef_free(def);
	tinylinux_clear(&tl);
	return (rc);
}
