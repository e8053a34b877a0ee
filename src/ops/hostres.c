/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host's memory, CPUs and disk; the check before starting VMs. */
#include "config.h"

#include "ops/hostres.h"

#include <sys/statvfs.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/vmctl.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

/* The line after the one p is in, or NULL after the last. */
static const char *
hostres_next_line(const char *p)
{
	const char	*nl = strchr(p, '\n');

	return (nl != NULL ? nl + 1 : NULL);
}

/* The value of "Key:   N kB" in meminfo's text, in bytes; -1 if absent. */
static int
hostres_meminfo_key(const char *text, const char *key, uint64_t *out)
{
	const char		*p = text;
	char			*end;
	unsigned long long	 v;
	size_t			 len = strlen(key);

	for (; p != NULL && *p != '\0'; p = hostres_next_line(p)) {
		if (strncmp(p, key, len) != 0 || p[len] != ':')
			continue;
		errno = 0;
		v = strtoull(p + len + 1, &end, 10);
		if (errno != 0 || end == p + len + 1 || v > UINT64_MAX / 1024)
			return (-1);
		while (*end == ' ')
			end++;
		/* The kernel writes kB (KiB) for every size. */
		*out = strncmp(end, "kB", 2) == 0 ? v * 1024 : v;
		return (0);
	}
	return (-1);
}

int
hostres_parse_meminfo(const char *text, uint64_t *total, uint64_t *avail,
    char **cause)
{
	if (hostres_meminfo_key(text, "MemTotal", total) != 0) {
		*cause = xstrdup("meminfo has no MemTotal");
		return (-1);
	}
	/* Linux 3.14 and later; before it, no honest estimate exists. */
	if (hostres_meminfo_key(text, "MemAvailable", avail) != 0) {
		*cause = xstrdup("meminfo has no MemAvailable (Linux 3.14 "
		    "or later has it)");
		return (-1);
	}
	return (0);
}

/* The "cpu" line: user nice system idle iowait irq softirq steal. */
static int
hostres_cpu_line(const char *p, uint64_t *busy, uint64_t *all)
{
	unsigned long long	 v[8];
	char			*end;
	int			 i;

	*all = 0;
	for (i = 0; i < 8; i++) {
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno != 0 || end == p)
			return (-1);
		if (v[i] > UINT64_MAX / 16 - *all)
			return (-1);
		*all += v[i];
		p = end;
	}
	/* Guest time is already in user: it is not added twice. */
	*busy = *all - v[3] - v[4];
	return (0);
}

int
hostres_parse_stat(const char *text, uint64_t *busy, uint64_t *all,
    int *ncpus, char **cause)
{
	const char	*p = text;
	int		 found = 0;

	*ncpus = 0;
	for (; p != NULL && *p != '\0'; p = hostres_next_line(p)) {
		if (strncmp(p, "cpu ", 4) == 0) {
			if (hostres_cpu_line(p + 4, busy, all) != 0) {
				*cause = xstrdup("stat: a bad cpu line");
				return (-1);
			}
			found = 1;
		} else if (strncmp(p, "cpu", 3) == 0 && p[3] >= '0' &&
		    p[3] <= '9')
			(*ncpus)++;
	}
	if (!found || *ncpus == 0) {
		*cause = xstrdup("stat has no cpu lines");
		return (-1);
	}
	return (0);
}

/* Read proc/name whole. Caller frees. */
static char *
hostres_read(const char *proc, const char *name, char **cause)
{
	char	*path, *text;

	path = fs_path_join(proc, name);
	text = fs_read_file(path, NULL, cause);
	free(path);
	return (text);
}

static int
hostres_sample_cpu(struct hostres *h, const char *proc, char **cause)
{
	char		*text;
	uint64_t	 busy, all;
	int		 rc, ncpus;

	if ((text = hostres_read(proc, "stat", cause)) == NULL)
		return (-1);
	rc = hostres_parse_stat(text, &busy, &all, &ncpus, cause);
	free(text);
	if (rc != 0)
		return (-1);
	h->cpu_use = NAN;
	if (h->samples > 0 && all > h->cpu_all && busy >= h->cpu_busy)
		h->cpu_use = 100.0 * (double)(busy - h->cpu_busy) /
		    (double)(all - h->cpu_all);
	h->cpu_busy = busy;
	h->cpu_all = all;
	h->ncpus = ncpus;
	return (0);
}

int
hostres_sample(struct hostres *h, const char *proc, const char *dir,
    char **cause)
{
	struct statvfs	 sv;
	char		*text;
	int		 rc;

	if ((text = hostres_read(proc, "meminfo", cause)) == NULL)
		return (-1);
	rc = hostres_parse_meminfo(text, &h->mem_total, &h->mem_available,
	    cause);
	free(text);
	if (rc != 0 || hostres_sample_cpu(h, proc, cause) != 0)
		return (-1);
	h->disk_known = dir != NULL && statvfs(dir, &sv) == 0;
	if (h->disk_known)
		h->disk_free = (uint64_t)sv.f_bavail * sv.f_frsize;
	h->samples++;
	return (0);
}

/* What the host keeps for itself: 5% of its memory, 256 MiB to 1 GiB. */
static uint64_t
hostres_reserve(uint64_t total)
{
	uint64_t	r = total / HOSTRES_RESERVE_SHARE;

	if (r < HOSTRES_RESERVE_MIN)
		r = HOSTRES_RESERVE_MIN;
	return (r > HOSTRES_RESERVE_MAX ? HOSTRES_RESERVE_MAX : r);
}

void
hostres_judge(const struct hostres *h, const struct hostres_vm *vms,
    size_t n, int running_vcpus, struct hostres_check *c)
{
	size_t	i;

	memset(c, 0, sizeof *c);
	strv_init(&c->names);
	c->vcpus = running_vcpus;
	for (i = 0; i < n; i++) {
		strv_push(&c->names, vms[i].name);
		c->need += vms[i].memory + HOSTRES_QEMU_OVERHEAD;
		c->vcpus += vms[i].cpus;
	}
	c->reserve = hostres_reserve(h->mem_total);
	c->available = h->mem_available > c->reserve ?
	    h->mem_available - c->reserve : 0;
	c->ncpus = h->ncpus;
	c->memory_over = n > 0 && c->need > c->available;
	c->cpus_over = n > 0 && c->ncpus > 0 && c->vcpus > c->ncpus;
}

void
hostres_check_clear(struct hostres_check *c)
{
	strv_clear(&c->names);
}

/* vCPUs of the running VMs that are not among names. */
static int
hostres_running_vcpus(const struct library *lib, const struct strv *names)
{
	struct strv	 all;
	struct vm_def	*def;
	char		*cause = NULL;
	size_t		 i;
	int		 vcpus = 0;

	strv_init(&all);
	if (library_list(lib, &all, &cause) != 0)
		free(cause);
	for (i = 0; i < all.n; i++) {
		if (strv_find(names, all.v[i]) != -1 ||
		    !vmctl_running(lib, all.v[i]))
			continue;
		if ((def = library_load(lib, all.v[i], &cause)) == NULL) {
			free(cause);
			cause = NULL;
			continue;
		}
		vcpus += def->cpus;
		vmdef_free(def);
	}
	strv_clear(&all);
	return (vcpus);
}

/*
 * A VM of names that would start: its definition, valid, and no QEMU.
 * One that cannot start is not counted: its start says why.
 */
static struct vm_def *
hostres_startable(const struct library *lib, const char *name)
{
	struct vm_def	*def;
	char		*vmdir, *cause = NULL;
	int		 rc;

	if ((def = library_load(lib, name, &cause)) == NULL) {
		free(cause);
		return (NULL);
	}
	vmdir = library_vm_dir(lib, name);
	rc = vmdef_validate(def, vmdir, &cause);
	free(vmdir);
	if (rc != 0 || vmctl_running(lib, name)) {
		free(cause);
		vmdef_free(def);
		return (NULL);
	}
	return (def);
}

/* The VMs of names that would start. */
static void
hostres_load(const struct library *lib, const struct strv *names,
    struct hostres_vm *vms, size_t *n)
{
	struct vm_def	*def;
	size_t		 i;

	*n = 0;
	for (i = 0; i < names->n; i++) {
		if (strv_find(names, names->v[i]) != (int)i)
			continue;	/* named twice */
		if ((def = hostres_startable(lib, names->v[i])) == NULL)
			continue;
		vms[*n].name = names->v[i];
		vms[*n].memory = def->memory;
		vms[(*n)++].cpus = def->cpus;
		vmdef_free(def);
	}
}

int
hostres_check(const struct library *lib, const struct strv *names,
    struct hostres_check *c, char **cause)
{
	struct hostres		 h;
	struct hostres_vm	*vms;
	size_t			 n;

	memset(&h, 0, sizeof h);
	if (hostres_sample(&h, "/proc", NULL, cause) != 0)
		return (-1);
	vms = xcalloc(names->n + 1, sizeof *vms);
	hostres_load(lib, names, vms, &n);
	hostres_judge(&h, vms, n, hostres_running_vcpus(lib, names), c);
	free(vms);
	return (0);
}

char *
hostres_size(uint64_t n)
{
	if (n >= (1ULL << 30))
		return (xasprintf("%.1f GiB", (double)n / (1ULL << 30)));
	return (xasprintf("%llu MiB", (unsigned long long)(n >> 20)));
}

char *
hostres_memory_message(const struct hostres_check *c)
{
	char	*list, *need, *avail, *s;

	if (!c->memory_over)
		return (NULL);
	list = strv_join(&c->names, ", ");
	need = hostres_size(c->need);
	avail = hostres_size(c->available);
	s = xasprintf("starting %s needs %s; the host has %s available",
	    list, need, avail);
	free(list);
	free(need);
	free(avail);
	return (s);
}

char *
hostres_cpus_message(const struct hostres_check *c)
{
	char	*list, *s;

	if (!c->cpus_over)
		return (NULL);
	list = strv_join(&c->names, ", ");
	s = xasprintf("with %s, running VMs would have %d vCPUs on %d host "
	    "CPU%s: they will be slower", list, c->vcpus, c->ncpus,
	    c->ncpus == 1 ? "" : "s");
	free(list);
	return (s);
}
