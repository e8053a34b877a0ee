/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linux kernel modules: what a .ko's .modinfo says, and a load order. */
#include "config.h"

#include "images/kmod.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/xmalloc.h"

/* The kernel's MODULE_NAME_LEN is 64 with the NUL; be a little lenient. */
#define KMOD_NAME_MAX	64

#define ELF_SHN_XINDEX	0xffff
#define ELF_SHT_NOBITS	8

/*
 * Where the fields kmod reads are in an ELF file of each class: 32-bit
 * modules (armhf) and 64-bit ones differ in offsets and word size.
 */
static const struct kmod_layout {
	size_t	ehdr_size;
	size_t	word;		/* bytes of an address or offset */
	size_t	e_shoff;
	size_t	e_shentsize;	/* then e_shnum, e_shstrndx, 2 bytes each */
	size_t	shdr_size;
	size_t	sh_offset;	/* then sh_size, a word later */
	size_t	sh_link;
} kmod_layouts[] = {
	{ 52, 4, 32, 46, 40, 16, 24 },		/* ELFCLASS32 */
	{ 64, 8, 40, 58, 64, 24, 40 },		/* ELFCLASS64 */
};

/* A bounds-checked view of an ELF image of either class and byte order. */
struct kmod_elf {
	const unsigned char		*p;
	size_t				 len;
	int				 be;
	const struct kmod_layout	*l;
};

/* One section: where its bytes are. */
struct kmod_sect {
	uint32_t	name;
	uint32_t	type;
	uint64_t	off;
	uint64_t	size;
	uint32_t	link;
};

/* A name to index entry for kmod_order's lookups. */
struct kmod_ent {
	const char	*name;
	size_t		 i;
};

/* A DFS stack frame: a module and the next dependency to visit. */
struct kmod_frame {
	size_t	m;
	size_t	k;
};

void
kmod_info_init(struct kmod_info *ki)
{
	ki->name = NULL;
	ki->vermagic = NULL;
	strv_init(&ki->depends);
}

void
kmod_info_clear(struct kmod_info *ki)
{
	free(ki->name);
	free(ki->vermagic);
	strv_clear(&ki->depends);
	kmod_info_init(ki);
}

/* Whether [off, off + size) lies inside the image, without overflow. */
static int
kmod_elf_has(const struct kmod_elf *e, uint64_t off, uint64_t size)
{
	return (off <= e->len && size <= e->len - off);
}

static uint64_t
kmod_elf_get(const struct kmod_elf *e, uint64_t off, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (e->be)
			v = (v << 8) | e->p[off + i];
		else
			v |= (uint64_t)e->p[off + i] << (8 * i);
	}
	return (v);
}

/* Read section header idx; the table was checked to be inside the image. */
static void
kmod_elf_sect(const struct kmod_elf *e, uint64_t shoff, uint64_t shentsize,
    uint64_t idx, struct kmod_sect *s)
{
	uint64_t	base = shoff + idx * shentsize;
	size_t		w = e->l->word;

	s->name = (uint32_t)kmod_elf_get(e, base, 4);
	s->type = (uint32_t)kmod_elf_get(e, base + 4, 4);
	s->off = kmod_elf_get(e, base + e->l->sh_offset, w);
	s->size = kmod_elf_get(e, base + e->l->sh_offset + w, w);
	s->link = (uint32_t)kmod_elf_get(e, base + e->l->sh_link, 4);
}

/* Canonical module name: '-' becomes '_'; NULL unless [A-Za-z0-9_-]+. */
static char *
kmod_name_canon(const char *s, size_t len)
{
	char	*out;
	size_t	 i;

	if (len == 0 || len >= KMOD_NAME_MAX)
		return (NULL);
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-')
			continue;
		return (NULL);
	}
	out = xstrndup(s, len);
	for (i = 0; i < len; i++) {
		if (out[i] == '-')
			out[i] = '_';
	}
	return (out);
}

static int
kmod_parse_depends(const char *v, size_t len, struct kmod_info *ki,
    char **cause)
{
	const char	*end = v + len, *comma;
	char		*name;

	while (v < end) {
		if ((comma = memchr(v, ',', (size_t)(end - v))) == NULL)
			comma = end;
		if (comma != v) {
			name = kmod_name_canon(v, (size_t)(comma - v));
			if (name == NULL) {
				*cause = xasprintf("bad module name in "
				    "depends=");
				return (-1);
			}
			if (strv_find(&ki->depends, name) == -1)
				strv_push(&ki->depends, name);
			free(name);
		}
		if (comma == end)
			break;
		v = comma + 1;
	}
	return (0);
}

/* Parse the key=value strings of a .modinfo section (NUL separated). */
static int
kmod_parse_modinfo(const char *p, size_t len, struct kmod_info *ki,
    char **cause)
{
	const char	*end = p + len, *nul, *eq;
	size_t		 n, klen;

	while (p < end) {
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL)
			nul = end;
		n = (size_t)(nul - p);
		eq = memchr(p, '=', n);
		if (eq != NULL) {
			klen = (size_t)(eq - p);
			eq++;
			if (klen == 4 && memcmp(p, "name", 4) == 0) {
				free(ki->name);
				ki->name = kmod_name_canon(eq,
				    (size_t)(nul - eq));
				if (ki->name == NULL) {
					*cause = xasprintf("bad module name in "
					    "name=");
					return (-1);
				}
			} else if (klen == 8 && memcmp(p, "vermagic", 8) == 0) {
				free(ki->vermagic);
				ki->vermagic = xstrndup(eq, (size_t)(nul - eq));
			} else if (klen == 7 && memcmp(p, "depends", 7) == 0) {
				strv_clear(&ki->depends);
				if (kmod_parse_depends(eq, (size_t)(nul - eq),
				    ki, cause) != 0)
					return (-1);
			}
		}
		if (nul == end)
			break;
		p = nul + 1;
	}
	return (0);
}

int
kmod_info_parse(const void *data, size_t len, struct kmod_info *ki,
    char **cause)
{
	static const char	 want[] = ".modinfo";
	struct kmod_elf		 e;
	struct kmod_sect	 s0, strs, s;
	uint64_t		 shoff, shentsize, shnum, shstrndx, i;
	const unsigned char	*p = data;

	kmod_info_init(ki);
	e.p = p;
	e.len = len;
	if (len >= 4 && memcmp(p, "\177ELF", 4) != 0) {
		*cause = xasprintf("not an ELF file");
		return (-1);
	}
	if (len < 6) {
		*cause = xasprintf("truncated ELF header");
		return (-1);
	}
	if (p[4] != 1 && p[4] != 2) {
		*cause = xasprintf("not a 32- or 64-bit ELF file");
		return (-1);
	}
	e.l = &kmod_layouts[p[4] - 1];
	if (len < e.l->ehdr_size) {
		*cause = xasprintf("truncated ELF header");
		return (-1);
	}
	if (p[5] != 1 && p[5] != 2) {
		*cause = xasprintf("unknown ELF byte order");
		return (-1);
	}
	e.be = (p[5] == 2);

	shoff = kmod_elf_get(&e, e.l->e_shoff, e.l->word);
	shentsize = kmod_elf_get(&e, e.l->e_shentsize, 2);
	shnum = kmod_elf_get(&e, e.l->e_shentsize + 2, 2);
	shstrndx = kmod_elf_get(&e, e.l->e_shentsize + 4, 2);
	if (shoff == 0) {
		*cause = xasprintf("no ELF section headers");
		return (-1);
	}
	if (shentsize < e.l->shdr_size) {
		*cause = xasprintf("bad ELF section header size %llu",
		    (unsigned long long)shentsize);
		return (-1);
	}
	if (!kmod_elf_has(&e, shoff, shentsize)) {
		*cause = xasprintf("ELF section headers out of bounds");
		return (-1);
	}

	/* Many sections: the real count and index live in section 0. */
	kmod_elf_sect(&e, shoff, shentsize, 0, &s0);
	if (shnum == 0)
		shnum = s0.size;
	if (shstrndx == ELF_SHN_XINDEX)
		shstrndx = s0.link;
	if (shnum > (e.len - shoff) / shentsize) {
		*cause = xasprintf("ELF section headers out of bounds");
		return (-1);
	}
	if (shstrndx == 0 || shstrndx >= shnum) {
		*cause = xasprintf("bad ELF section name table index");
		return (-1);
	}
	kmod_elf_sect(&e, shoff, shentsize, shstrndx, &strs);
	if (strs.type == ELF_SHT_NOBITS ||
	    !kmod_elf_has(&e, strs.off, strs.size)) {
		*cause = xasprintf("ELF section name table out of bounds");
		return (-1);
	}

	for (i = 1; i < shnum; i++) {
		kmod_elf_sect(&e, shoff, shentsize, i, &s);
		if (s.name >= strs.size || strs.size - s.name < sizeof want)
			continue;
		if (memcmp(p + strs.off + s.name, want, sizeof want) != 0)
			continue;
		if (s.type == ELF_SHT_NOBITS || !kmod_elf_has(&e, s.off,
		    s.size)) {
			*cause = xasprintf(".modinfo section out of bounds");
			return (-1);
		}
		if (kmod_parse_modinfo((const char *)p + s.off,
		    (size_t)s.size, ki, cause) != 0) {
			kmod_info_clear(ki);
			return (-1);
		}
		return (0);
	}
	*cause = xasprintf("no .modinfo section");
	return (-1);
}

char *
kmod_name_from_path(const char *path)
{
	static const char	*exts[] = { ".ko", ".ko.xz", ".ko.zst",
				    ".ko.gz" };
	const char		*base, *slash;
	size_t			 len, elen, i;

	base = ((slash = strrchr(path, '/')) != NULL) ? slash + 1 : path;
	len = strlen(base);
	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		elen = strlen(exts[i]);
		if (len > elen && strcmp(base + len - elen, exts[i]) == 0)
			return (kmod_name_canon(base, len - elen));
	}
	return (NULL);
}

static int
kmod_ent_cmp(const void *a, const void *b)
{
	const struct kmod_ent	*ea = a, *eb = b;
	int			 c;

	if ((c = strcmp(ea->name, eb->name)) != 0)
		return (c);
	return ((ea->i > eb->i) - (ea->i < eb->i));
}

/* Index of the first module named name, or (size_t)-1. */
static size_t
kmod_lookup(const struct kmod_ent *ents, size_t n, const char *name)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ents[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strcmp(ents[lo].name, name) == 0)
		return (ents[lo].i);
	return ((size_t)-1);
}

/* Describe the cycle that closes at module j: "a -> b -> a". */
static char *
kmod_cycle(const struct kmod_info *mods, const struct kmod_frame *stack,
    size_t depth, size_t j)
{
	struct strv	 path;
	char		*joined, *out;
	size_t		 d = depth;

	while (d > 0 && stack[d - 1].m != j)
		d--;
	if (d > 0)
		d--;
	strv_init(&path);
	for (; d < depth; d++)
		strv_push(&path, mods[stack[d].m].name);
	strv_push(&path, mods[j].name);
	joined = strv_join(&path, " -> ");
	out = xasprintf("modules depend on each other: %s", joined);
	free(joined);
	strv_clear(&path);
	return (out);
}

int
kmod_order(const struct kmod_info *mods, size_t n, const char *const *wanted,
    size_t nwanted, size_t **orderp, size_t *np, char **cause)
{
	struct kmod_ent		*ents;
	struct kmod_frame	*stack;
	unsigned char		*state;
	size_t			*order, nents = 0, norder = 0, depth, w, i, j;
	const struct kmod_info	*m;
	char			*name;
	int			 rc = -1;

	*orderp = NULL;
	*np = 0;
	ents = xcalloc(n + 1, sizeof *ents);
	for (i = 0; i < n; i++) {
		if (mods[i].name == NULL)
			continue;
		ents[nents].name = mods[i].name;
		ents[nents].i = i;
		nents++;
	}
	qsort(ents, nents, sizeof *ents, kmod_ent_cmp);
	state = xcalloc(n + 1, 1);
	stack = xcalloc(n + 1, sizeof *stack);
	order = xcalloc(n + 1, sizeof *order);

	for (w = 0; w < nwanted; w++) {
		name = kmod_name_canon(wanted[w], strlen(wanted[w]));
		j = (name == NULL) ? (size_t)-1 :
		    kmod_lookup(ents, nents, name);
		free(name);
		if (j == (size_t)-1) {
			*cause = xasprintf("no module named %s", wanted[w]);
			goto out;
		}
		if (state[j] != 0)
			continue;
		state[j] = 1;
		stack[0].m = j;
		stack[0].k = 0;
		depth = 1;
		while (depth > 0) {
			m = &mods[stack[depth - 1].m];
			if (stack[depth - 1].k == m->depends.n) {
				state[stack[depth - 1].m] = 2;
				order[norder++] = stack[depth - 1].m;
				depth--;
				continue;
			}
			name = m->depends.v[stack[depth - 1].k++];
			j = kmod_lookup(ents, nents, name);
			if (j == (size_t)-1) {
				*cause = xasprintf("module %s needs %s, which "
				    "is missing", m->name, name);
				goto out;
			}
			if (state[j] == 2)
				continue;
			if (state[j] == 1) {
				*cause = kmod_cycle(mods, stack, depth, j);
				goto out;
			}
			state[j] = 1;
			stack[depth].m = j;
			stack[depth].k = 0;
			depth++;
		}
	}
	*orderp = order;
	*np = norder;
	order = NULL;
	rc = 0;
out:
	free(order);
	free(stack);
	free(state);
	free(ents);
	return (rc);
}
