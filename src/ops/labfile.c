/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/vmdef.h"
#include "images/template.h"
#include "ops/labfile.h"
#include "util/fsutil.h"
#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* What one [vm NAME] section says before count expands it. */
struct labfile_group {
	const struct ini_section	*sec;
	size_t				 index;	/* of sec in the ini */
	const struct template		*tpl;
	long				 count;	/* 0: no count key */
};

typedef int (*labfile_vm_fn)(struct lab_vm *, const struct ini_entry *,
    const char *, char **);

static int	labfile_vm_template(struct lab_vm *, const struct ini_entry *,
		    const char *, char **);
static int	labfile_vm_count(struct lab_vm *, const struct ini_entry *,
		    const char *, char **);
static int	labfile_vm_provision(struct lab_vm *,
		    const struct ini_entry *, const char *, char **);
static int	labfile_vm_ready(struct lab_vm *, const struct ini_entry *,
		    const char *, char **);
static int	labfile_vm_timeout(struct lab_vm *, const struct ini_entry *,
		    const char *, char **);
static int	labfile_vm_user(struct lab_vm *, const struct ini_entry *,
		    const char *, char **);
static int	labfile_vm_password(struct lab_vm *,
		    const struct ini_entry *, const char *, char **);
static int	labfile_vm_ssh_key(struct lab_vm *, const struct ini_entry *,
		    const char *, char **);

/* The keys of [vm NAME] that are the lab's, not vm.conf's. */
static const struct {
	const char	*key;
	labfile_vm_fn	 fn;
} labfile_vm_keys[] = {
	{ "template", labfile_vm_template },
	{ "count", labfile_vm_count },
	{ "provision", labfile_vm_provision },
	{ "ready", labfile_vm_ready },
	{ "timeout", labfile_vm_timeout },
	{ "user", labfile_vm_user },
	{ "password", labfile_vm_password },
	{ "ssh_key", labfile_vm_ssh_key },
};
#define NVMKEYS	(sizeof labfile_vm_keys / sizeof labfile_vm_keys[0])

static int
labfile_vm_template(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	(void)e;
	(void)cause;
	free(vm->template);
	vm->template = xstrdup(value);
	return (0);
}

/* count was read for the whole group; nothing to do per VM. */
static int
labfile_vm_count(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	(void)vm;
	(void)e;
	(void)value;
	(void)cause;
	return (0);
}

static int
labfile_vm_provision(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	(void)e;
	(void)cause;
	strv_push(&vm->provision, value);
	return (0);
}

static int
labfile_vm_ready(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	(void)e;
	(void)cause;
	free(vm->ready);
	vm->ready = xstrdup(value);
	return (0);
}

static int
labfile_vm_timeout(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	long	l;

	(void)e;
	if (str_to_long(value, 1, 24 * 3600, &l, cause) != 0)
		return (-1);
	vm->timeout = (int)l;
	return (0);
}

static int
labfile_vm_user(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	(void)e;
	if (name_login_check(value, cause) != 0)
		return (-1);
	free(vm->user);
	vm->user = xstrdup(value);
	return (0);
}

static int
labfile_vm_password(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	(void)e;
	(void)cause;
	free(vm->password);
	vm->password = xstrdup(value);
	return (0);
}

static int
labfile_vm_ssh_key(struct lab_vm *vm, const struct ini_entry *e,
    const char *value, char **cause)
{
	(void)e;
	if (!fs_exists(value)) {
		*cause = xasprintf("ssh_key: %s: no such file", value);
		return (-1);
	}
	strv_push(&vm->ssh_keys, value);
	return (0);
}

/* text with {n} and {name} replaced. Caller frees. */
static char *
labfile_subst(const char *text, const struct lab_vm *vm)
{
	char		*buf = NULL;
	size_t		 len = 0, cap = 0;
	const char	*p;

	for (p = text; *p != '\0'; p++) {
		if (strncmp(p, "{n}", 3) == 0) {
			str_appendf(&buf, &len, &cap, "%d", vm->index);
			p += 2;
		} else if (strncmp(p, "{name}", 6) == 0) {
			str_appendf(&buf, &len, &cap, "%s", vm->name);
			p += 5;
		} else
			str_appendf(&buf, &len, &cap, "%c", *p);
	}
	return (buf != NULL ? buf : xstrdup(""));
}

/* disk.NAME.size or disk.NAME.bus of a disk the lab adds. */
static struct lab_disk *
labfile_disk(struct lab_vm *vm, const char *name, int line)
{
	size_t	i;

	for (i = 0; i < vm->ndisks; i++) {
		if (strcmp(vm->disks[i].name, name) == 0)
			return (&vm->disks[i]);
	}
	vm->disks = xreallocarray(vm->disks, vm->ndisks + 1,
	    sizeof *vm->disks);
	memset(&vm->disks[vm->ndisks], 0, sizeof *vm->disks);
	vm->disks[vm->ndisks].name = xstrdup(name);
	vm->disks[vm->ndisks].line = line;
	return (&vm->disks[vm->ndisks++]);
}

/*
 * Whether key is disk.NAME.size, or disk.NAME.bus of a disk the section
 * gives a size: such a disk is the lab's to add, not the template's.
 */
static int
labfile_is_lab_disk(const struct ini *ini, size_t sec, const char *key,
    char **name)
{
	const char	*dot;
	char		*want;
	size_t		 i;
	int		 found = 0;

	if (strncmp(key, "disk.", 5) != 0 || (dot = strrchr(key, '.')) ==
	    key + 4 || (strcmp(dot, ".size") != 0 && strcmp(dot, ".bus") != 0))
		return (0);
	*name = xstrndup(key + 5, (size_t)(dot - key - 5));
	want = xasprintf("disk.%s.size", *name);
	for (i = 0; i < ini->nentries && !found; i++) {
		found = ini->entries[i].section == sec &&
		    strcmp(ini->entries[i].key, want) == 0;
	}
	free(want);
	if (!found) {
		free(*name);
		*name = NULL;
	}
	return (found);
}

static int
labfile_disk_key(struct lab_vm *vm, const char *name, const char *key,
    const char *value, int line, char **cause)
{
	struct lab_disk	*d = labfile_disk(vm, name, line);
	int		 bus;

	if (str_has_suffix(key, ".size"))
		return (str_to_size(value, 1ULL << 30, &d->size, cause));
	if (vmdef_enum_value("bus", value, &bus, cause) != 0)
		return (-1);
	free(d->bus);
	d->bus = xstrdup(value);
	return (0);
}

static void
labfile_add_key(struct lab_vm *vm, const char *key, const char *value,
    int line)
{
	struct lab_key	*k;

	vm->keys = xreallocarray(vm->keys, vm->nkeys + 1, sizeof *vm->keys);
	k = &vm->keys[vm->nkeys++];
	k->key = xstrdup(key);
	k->value = labfile_subst(value, vm);
	k->line = line;
}

/* One entry of vm's section: the lab's own key, a lab disk or vm.conf's. */
static int
labfile_vm_entry(const struct ini *ini, struct lab_vm *vm,
    const struct ini_entry *e, char **cause)
{
	char	*value, *disk = NULL;
	size_t	 i;
	int	 rc = 0;

	value = labfile_subst(e->value, vm);
	for (i = 0; i < NVMKEYS; i++) {
		if (strcmp(labfile_vm_keys[i].key, e->key) == 0)
			break;
	}
	if (i < NVMKEYS)
		rc = labfile_vm_keys[i].fn(vm, e, value, cause);
	else if (labfile_is_lab_disk(ini, e->section, e->key, &disk))
		rc = labfile_disk_key(vm, disk, e->key, value, e->line, cause);
	else
		labfile_add_key(vm, e->key, e->value, e->line);
	free(disk);
	free(value);
	return (rc);
}

/* The section that owns a repeated key ("nic" of "nic.lab.net"). */
static void
labfile_add_section(struct vm_def *def, const char *key)
{
	const char	*type;
	char		*sec, *name, *dot;
	size_t		 i;

	sec = xstrdup(key);
	if ((dot = strchr(sec, '.')) == NULL || (name = dot + 1,
	    (dot = strchr(name, '.')) == NULL)) {
		free(sec);
		return;
	}
	*strchr(sec, '.') = '\0';
	*dot = '\0';
	for (i = 0; (type = vmdef_repeated(i)) != NULL; i++) {
		if (strcmp(type, sec) != 0 || strcmp(type, "disk") == 0 ||
		    vmdef_section(def, type, name) != NULL)
			continue;
		vmdef_add_item(def, type, name);
		if (strcmp(type, "nic") == 0)
			((struct vm_nic *)vmdef_section(def, type,
			    name))->mac = vmdef_random_mac();
	}
	free(sec);
}

int
labfile_apply(struct vm_def *def, const struct lab_vm *vm, const char *file,
    char **cause)
{
	char	*why = NULL;
	size_t	 i;

	for (i = 0; i < vm->nkeys; i++) {
		labfile_add_section(def, vm->keys[i].key);
		if (vmdef_assign(def, vm->keys[i].key, vm->keys[i].value,
		    VMDEF_KEY_SET, &why) != 0) {
			*cause = xasprintf("%s:%d: %s", file, vm->keys[i].line,
			    why);
			free(why);
			return (-1);
		}
	}
	return (0);
}

/* Check vm against its template: its keys, then the definition whole. */
static int
labfile_check_vm(const struct lab *lab,
    const struct lab_vm *vm, const struct template *t, char **cause)
{
	struct template_opts	 opt;
	struct vm_def		*def;
	char			*why = NULL;
	int			 rc;

	memset(&opt, 0, sizeof opt);
	def = template_to_vmdef(t, vm->name, &opt, NULL);
	rc = labfile_apply(def, vm, lab->file, cause);
	if (rc == 0 && (rc = vmdef_validate(def, NULL, &why)) != 0) {
		*cause = xasprintf("%s:%d: [vm %s]: %s", lab->file, vm->line,
		    vm->group, why);
		free(why);
	}
	vmdef_free(def);
	return (rc);
}

/* The cloud-init and readiness parts that follow from the template. */
static int
labfile_vm_defaults(const struct lab *lab, struct lab_vm *vm,
    const struct template *t, char **cause)
{
	vm->cloud_init = t->cloud_init;
	vm->ram_only = t->boot == TEMPLATE_BOOT_TINYLINUX;
	if (vm->ready == NULL && vm->ram_only)
		vm->ready = xstrdup(TINYLINUX_READY);
	else if (vm->ready == NULL && vm->cloud_init)
		vm->ready = xstrdup(" finished at ");
	if (!vm->cloud_init && (vm->user != NULL || vm->password != NULL ||
	    vm->ssh_keys.n > 0)) {
		*cause = xasprintf("%s:%d: [vm %s]: template %s has no "
		    "cloud-init: user, password and ssh_key do not apply",
		    lab->file, vm->line, vm->group, t->name);
		return (-1);
	}
	if (vm->provision.n > 0 && vm->ready == NULL) {
		*cause = xasprintf("%s:%d: [vm %s]: provision on a template "
		    "without cloud-init needs ready = (the text its serial "
		    "console shows at a shell)", lab->file, vm->line,
		    vm->group);
		return (-1);
	}
	return (0);
}

/* Fill one VM of group g (index i of count). */
static int
labfile_fill_vm(const struct library *lib, struct lab *lab,
    const struct ini *ini, const struct labfile_group *g, struct lab_vm *vm,
    char **cause)
{
	size_t	 i;
	char	*why = NULL;

	vm->timeout = LABFILE_READY_TIMEOUT;
	vm->template = xstrdup(g->tpl->name);
	for (i = 0; i < ini->nentries; i++) {
		if (ini->entries[i].section != g->index)
			continue;
		if (labfile_vm_entry(ini, vm, &ini->entries[i], &why) != 0) {
			*cause = xasprintf("%s:%d: %s", lab->file,
			    ini->entries[i].line, why);
			free(why);
			return (-1);
		}
	}
	if (labfile_vm_defaults(lab, vm, g->tpl, cause) != 0)
		return (-1);
	return (labfile_check_vm(lab, vm, g->tpl, cause));
}

static struct lab_vm *
labfile_new_vm(struct lab *lab, const struct labfile_group *g, long i,
    char **cause)
{
	struct lab_vm	*vm;
	char		*name;
	size_t		 j;

	if (g->count > 0)
		name = xasprintf("%s-%ld", g->sec->name, i);
	else
		name = xstrdup(g->sec->name);
	for (j = 0; j < lab->nvms; j++) {
		if (strcmp(lab->vms[j].name, name) == 0) {
			*cause = xasprintf("%s:%d: VM %s is in the lab twice",
			    lab->file, g->sec->line, name);
			free(name);
			return (NULL);
		}
	}
	lab->vms = xreallocarray(lab->vms, lab->nvms + 1, sizeof *lab->vms);
	vm = &lab->vms[lab->nvms++];
	memset(vm, 0, sizeof *vm);
	vm->name = name;
	vm->group = xstrdup(g->sec->name);
	vm->index = (int)i;
	vm->line = g->sec->line;
	strv_init(&vm->provision);
	strv_init(&vm->ssh_keys);
	return (vm);
}

/* The template and count of a [vm NAME] section. */
static int
labfile_group(const struct library *lib, const struct lab *lab,
    const struct ini *ini, struct labfile_group *g, struct template **tp,
    char **cause)
{
	const struct ini_entry	*e;
	const char		*tname = NULL;
	struct strv		 dirs;
	char			*why = NULL;
	size_t			 i;
	int			 tline = g->sec->line;

	for (i = 0; i < ini->nentries; i++) {
		e = &ini->entries[i];
		if (e->section != g->index)
			continue;
		if (strcmp(e->key, "template") == 0) {
			tname = e->value;
			tline = e->line;
		} else if (strcmp(e->key, "count") == 0 && str_to_long(e->value,
		    1, LABFILE_COUNT_MAX, &g->count, &why) != 0) {
			*cause = xasprintf("%s:%d: count: %s", lab->file,
			    e->line, why);
			free(why);
			return (-1);
		}
	}
	if (tname == NULL) {
		*cause = xasprintf("%s:%d: [vm %s] names no template",
		    lab->file, g->sec->line, g->sec->name);
		return (-1);
	}
	strv_init(&dirs);
	template_dirs(lib, &dirs);
	*tp = template_find(&dirs, tname, &why);
	strv_clear(&dirs);
	if (*tp == NULL) {
		*cause = xasprintf("%s:%d: %s", lab->file, tline, why);
		free(why);
		return (-1);
	}
	g->tpl = *tp;
	return (0);
}

static int
labfile_vm_section(const struct library *lib, struct lab *lab,
    const struct ini *ini, size_t index, char **cause)
{
	struct labfile_group	 g;
	struct template		*t = NULL;
	struct lab_vm		*vm;
	char			*why = NULL;
	long			 i;
	int			 rc = 0;

	memset(&g, 0, sizeof g);
	g.sec = &ini->sections[index];
	g.index = index;
	if (g.sec->name == NULL) {
		*cause = xasprintf("%s:%d: [vm] needs a VM name, as [vm web]",
		    lab->file, g.sec->line);
		return (-1);
	}
	if (name_check(g.sec->name, "VM", &why) != 0) {
		*cause = xasprintf("%s:%d: %s", lab->file, g.sec->line, why);
		free(why);
		return (-1);
	}
	if (labfile_group(lib, lab, ini, &g, &t, cause) != 0)
		return (-1);
	for (i = 1; i <= (g.count > 0 ? g.count : 1) && rc == 0; i++) {
		if ((vm = labfile_new_vm(lab, &g, i, cause)) == NULL)
			rc = -1;
		else
			rc = labfile_fill_vm(lib, lab, ini, &g, vm, cause);
	}
	template_free(t);
	return (rc);
}

static int
labfile_lab_entry(struct lab *lab, const struct ini_entry *e, char **cause)
{
	char	**dst;

	if (strcmp(e->key, "name") == 0)
		dst = &lab->name;
	else if (strcmp(e->key, "description") == 0)
		dst = &lab->description;
	else if (strcmp(e->key, "baseline") == 0)
		dst = &lab->baseline;
	else {
		*cause = xasprintf("%s:%d: '%s' is not a key of [lab] (name, "
		    "description, baseline)", lab->file, e->line, e->key);
		return (-1);
	}
	free(*dst);
	*dst = xstrdup(e->value);
	return (0);
}

/* The [lab] section: its keys, and a valid name. */
static int
labfile_lab_section(struct lab *lab, const struct ini *ini, size_t index,
    char **cause)
{
	size_t	i;
	char	*why = NULL;

	for (i = 0; i < ini->nentries; i++) {
		if (ini->entries[i].section == index &&
		    labfile_lab_entry(lab, &ini->entries[i], cause) != 0)
			return (-1);
	}
	if (lab->name == NULL) {
		*cause = xasprintf("%s:%d: [lab] needs a name", lab->file,
		    ini->sections[index].line);
		return (-1);
	}
	if (name_check(lab->name, "lab", &why) != 0) {
		*cause = xasprintf("%s:%d: %s", lab->file,
		    ini->sections[index].line, why);
		free(why);
		return (-1);
	}
	if (lab->baseline == NULL)
		lab->baseline = xstrdup(LABFILE_BASELINE);
	return (0);
}

static int
labfile_sections(const struct library *lib, struct lab *lab,
    const struct ini *ini, char **cause)
{
	const struct ini_section	*s;
	size_t				 i, nlab = 0;

	for (i = 0; i < ini->nsections; i++) {
		s = &ini->sections[i];
		if (strcmp(s->type, "lab") == 0 && s->name == NULL) {
			if (nlab++ > 0) {
				*cause = xasprintf("%s:%d: a second [lab]",
				    lab->file, s->line);
				return (-1);
			}
			if (labfile_lab_section(lab, ini, i, cause) != 0)
				return (-1);
		} else if (strcmp(s->type, "vm") != 0) {
			*cause = xasprintf("%s:%d: [%s] is not a section of a "
			    "lab file ([lab], [vm NAME])", lab->file, s->line,
			    s->type);
			return (-1);
		}
	}
	if (nlab == 0) {
		*cause = xasprintf("%s: no [lab] section", lab->file);
		return (-1);
	}
	for (i = 0; i < ini->nsections; i++) {
		if (strcmp(ini->sections[i].type, "vm") == 0 &&
		    labfile_vm_section(lib, lab, ini, i, cause) != 0)
			return (-1);
	}
	if (lab->nvms == 0) {
		*cause = xasprintf("%s: no [vm NAME] section", lab->file);
		return (-1);
	}
	return (0);
}

struct lab *
labfile_load(const struct library *lib, const char *path, char **cause)
{
	struct lab	*lab;
	struct ini	*ini;

	lab = xcalloc(1, sizeof *lab);
	lab->file = fs_abspath(path);
	if ((ini = ini_load(lab->file, cause)) == NULL ||
	    labfile_sections(lib, lab, ini, cause) != 0) {
		if (ini != NULL)
			ini_free(ini);
		labfile_free(lab);
		return (NULL);
	}
	ini_free(ini);
	return (lab);
}

static void
labfile_vm_clear(struct lab_vm *vm)
{
	size_t	i;

	for (i = 0; i < vm->nkeys; i++) {
		free(vm->keys[i].key);
		free(vm->keys[i].value);
	}
	free(vm->keys);
	for (i = 0; i < vm->ndisks; i++) {
		free(vm->disks[i].name);
		free(vm->disks[i].bus);
	}
	free(vm->disks);
	free(vm->name);
	free(vm->group);
	free(vm->template);
	free(vm->ready);
	free(vm->user);
	free(vm->password);
	strv_clear(&vm->provision);
	strv_clear(&vm->ssh_keys);
}

void
labfile_free(struct lab *lab)
{
	size_t	i;

	if (lab == NULL)
		return;
	for (i = 0; i < lab->nvms; i++)
		labfile_vm_clear(&lab->vms[i]);
	free(lab->vms);
	free(lab->file);
	free(lab->name);
	free(lab->description);
	free(lab->baseline);
	free(lab);
}

struct lab_vm *
labfile_vm(const struct lab *lab, const char *name)
{
	size_t	i;

	for (i = 0; i < lab->nvms; i++) {
		if (strcmp(lab->vms[i].name, name) == 0)
			return (&lab->vms[i]);
	}
	return (NULL);
}
