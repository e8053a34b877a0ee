/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Making a new VM from a template. */
#include "config.h"

#include "images/vmcreate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "images/qemu_img.h"
#include "images/tinylinux.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

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
	if ((stage = library_create_begin(lib, name, cause)) == NULL)
		return (-1);
	if (t->boot == TEMPLATE_BOOT_TINYLINUX &&
	    tinylinux_prepare(lib->images, &tl, cause) != 0) {
		library_create_abort(stage);
		free(stage);
		return (-1);
	}
	def = template_to_vmdef(t, name, opt, &tl);
	crashpoint("create: template prepared");
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
