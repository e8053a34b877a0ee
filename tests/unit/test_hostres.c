/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for ops/hostres: /proc parsers, samples, the check and its words. */
#include "config.h"

#include <sys/stat.h>

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ops/hostres.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define MiB	(1ULL << 20)
#define GiB	(1ULL << 30)

/* The head of this machine's /proc/meminfo (Linux 6.1), as written. */
#define MEMINFO(total, avail) \
	"MemTotal:       " total " kB\n" \
	"MemFree:        22723376 kB\n" \
	"MemAvailable:   " avail " kB\n" \
	"Buffers:           16344 kB\n" \
	"Cached:          1470828 kB\n" \
	"SwapCached:            0 kB\n" \
	"HugePages_Total:       0\n" \
	"Hugepagesize:       2048 kB\n"

/* /proc/stat of a two-CPU host, trimmed after the CPU lines. */
#define STAT(user, idle) \
	"cpu  " user " 0 100 " idle " 50 0 10 40 7 0\n" \
	"cpu0 749578 714479 252945 678883 4339 0 608 44095 0 0\n" \
	"cpu1 762568 709508 270919 643498 9432 0 4820 45377 0 0\n" \
	"intr 26050993 0 0 0\n" \
	"ctxt 71694095\n"

static void
test_hostres_meminfo(void **state)
{
	uint64_t	 total, avail;
	char		*cause = NULL;

	assert_int_equal(hostres_parse_meminfo(MEMINFO("24683664", "1258291"),
	    &total, &avail, &cause), 0);
	assert_true(total == 24683664ULL * 1024);
	assert_true(avail == 1258291ULL * 1024);
}

static void
test_hostres_meminfo_missing(void **state)
{
	uint64_t	 total, avail;
	char		*cause = NULL;

	/* Before Linux 3.14: MemTotal only. */
	assert_int_equal(hostres_parse_meminfo("MemTotal: 1000 kB\n"
	    "MemFree: 10 kB\n", &total, &avail, &cause), -1);
	assert_non_null(strstr(cause, "MemAvailable"));
	free(cause);
	cause = NULL;
	/* A prefix of the key is not the key. */
	assert_int_equal(hostres_parse_meminfo("MemTotalX: 5 kB\n"
	    "MemAvailable: 3 kB\n", &total, &avail, &cause), -1);
	assert_non_null(strstr(cause, "MemTotal"));
	free(cause);
	cause = NULL;
	assert_int_equal(hostres_parse_meminfo("MemTotal: kB\n"
	    "MemAvailable: 3 kB\n", &total, &avail, &cause), -1);
	free(cause);
}

static void
test_hostres_stat(void **state)
{
	uint64_t	 busy, all;
	char		*cause = NULL;
	int		 ncpus;

	assert_int_equal(hostres_parse_stat(STAT("1000", "800"), &busy, &all,
	    &ncpus, &cause), 0);
	assert_int_equal(ncpus, 2);
	/* user 1000 nice 0 system 100 idle 800 iowait 50 irq 0 softirq 10
	   steal 40; guest (7) is inside user already. */
	assert_true(all == 2000);
	assert_true(busy == 1150);
	assert_int_equal(hostres_parse_stat("cpu  1 2 3\n", &busy, &all,
	    &ncpus, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(hostres_parse_stat("intr 1 2\n", &busy, &all,
	    &ncpus, &cause), -1);
	free(cause);
}

/* Write text to dir/name. */
static void
write_file(const char *dir, const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	path = fs_path_join(dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	free(path);
}

static void
test_hostres_sample_cpu_use(void **state)
{
	struct hostres	 h;
	char		 dir[] = "/tmp/hostres.XXXXXX", *cause = NULL, *p;

	assert_non_null(mkdtemp(dir));
	write_file(dir, "meminfo", MEMINFO("8000000", "4000000"));
	write_file(dir, "stat", STAT("1000", "800"));
	memset(&h, 0, sizeof h);
	assert_int_equal(hostres_sample(&h, dir, dir, &cause), 0);
	assert_true(isnan(h.cpu_use));
	assert_true(h.disk_known && h.disk_free > 0);
	assert_int_equal(h.ncpus, 2);
	/* 400 ticks later, 100 of them busy: 25%. */
	write_file(dir, "stat", STAT("1100", "1100"));
	assert_int_equal(hostres_sample(&h, dir, NULL, &cause), 0);
	assert_true(fabs(h.cpu_use - 25.0) < 1e-9);
	assert_false(h.disk_known);
	assert_true(h.mem_available == 4000000ULL * 1024);
	p = fs_path_join(dir, "meminfo");
	unlink(p);
	free(p);
	assert_int_equal(hostres_sample(&h, dir, NULL, &cause), -1);
	assert_non_null(strstr(cause, "meminfo"));
	free(cause);
	p = fs_path_join(dir, "stat");
	unlink(p);
	free(p);
	rmdir(dir);
}

/* The real /proc of this machine. */
static void
test_hostres_sample_real(void **state)
{
	struct hostres	 h;
	char		*cause = NULL;

	memset(&h, 0, sizeof h);
	assert_int_equal(hostres_sample(&h, "/proc", "/", &cause), 0);
	assert_int_equal(hostres_sample(&h, "/proc", "/", &cause), 0);
	assert_true(h.mem_total > 64 * MiB);
	assert_true(h.mem_available > 0 && h.mem_available <= h.mem_total);
	assert_int_equal(h.ncpus, (int)sysconf(_SC_NPROCESSORS_ONLN));
	assert_true(isnan(h.cpu_use) || (h.cpu_use >= 0 &&
	    h.cpu_use <= 100));
}

static void
test_hostres_judge_over(void **state)
{
	struct hostres		h = { .mem_total = 24 * GiB, .ncpus = 2 };
	struct hostres_vm	vms[] = {
		{ "web-1", 1500 * MiB, 1 }, { "web-2", 1500 * MiB, 1 } };
	struct hostres_check	c;
	char			*s;

	/* 5% of 24 GiB is over 1 GiB: the reserve is 1 GiB. */
	h.mem_available = 1 * GiB + 1229 * MiB;
	hostres_judge(&h, vms, 2, 0, &c);
	assert_true(c.reserve == GiB);
	assert_true(c.memory_over);
	assert_false(c.cpus_over);
	assert_non_null(s = hostres_memory_message(&c));
	assert_string_equal(s, "starting web-1, web-2 needs 3.2 GiB; the "
	    "host has 1.2 GiB available");
	free(s);
	assert_null(hostres_cpus_message(&c));
	hostres_check_clear(&c);
}

static void
test_hostres_judge_fits(void **state)
{
	struct hostres		h = { .mem_total = 2 * GiB, .ncpus = 4 };
	struct hostres_vm	vm = { "small", 128 * MiB, 2 };
	struct hostres_check	c;

	/* 5% of 2 GiB is below the floor: 256 MiB kept. */
	h.mem_available = 256 * MiB + 128 * MiB + HOSTRES_QEMU_OVERHEAD;
	hostres_judge(&h, &vm, 1, 2, &c);
	assert_true(c.reserve == 256 * MiB);
	assert_false(c.memory_over);
	assert_null(hostres_memory_message(&c));
	hostres_check_clear(&c);
	/* One byte less is too little. */
	h.mem_available--;
	hostres_judge(&h, &vm, 1, 2, &c);
	assert_true(c.memory_over);
	hostres_check_clear(&c);
	/* Nothing to start: nothing to say, however full the host. */
	h.mem_available = 0;
	hostres_judge(&h, NULL, 0, 9, &c);
	assert_false(c.memory_over);
	assert_false(c.cpus_over);
	hostres_check_clear(&c);
}

static void
test_hostres_judge_cpus(void **state)
{
	struct hostres		h = { .mem_total = 64 * GiB, .ncpus = 2,
				    .mem_available = 60 * GiB };
	struct hostres_vm	vm = { "db", 1 * GiB, 2 };
	struct hostres_check	c;
	char			*s;

	/* Two running vCPUs plus two: beyond the host's two CPUs. */
	hostres_judge(&h, &vm, 1, 2, &c);
	assert_false(c.memory_over);
	assert_true(c.cpus_over);
	assert_int_equal(c.vcpus, 4);
	assert_non_null(s = hostres_cpus_message(&c));
	assert_string_equal(s, "with db, running VMs would have 4 vCPUs on 2 "
	    "host CPUs: they will be slower");
	free(s);
	hostres_check_clear(&c);
	hostres_judge(&h, &vm, 1, 0, &c);
	assert_false(c.cpus_over);
	hostres_check_clear(&c);
}

static void
test_hostres_size(void **state)
{
	char	*s;

	s = hostres_size(512 * MiB);
	assert_string_equal(s, "512 MiB");
	free(s);
	s = hostres_size(32 * GiB);
	assert_string_equal(s, "32.0 GiB");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostres_meminfo),
		cmocka_unit_test(test_hostres_meminfo_missing),
		cmocka_unit_test(test_hostres_stat),
		cmocka_unit_test(test_hostres_sample_cpu_use),
		cmocka_unit_test(test_hostres_sample_real),
		cmocka_unit_test(test_hostres_judge_over),
		cmocka_unit_test(test_hostres_judge_fits),
		cmocka_unit_test(test_hostres_judge_cpus),
		cmocka_unit_test(test_hostres_size),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
