/*
 * elf_syms.c - function symbols of one ELF file with libelf (see elf_syms.h).
 *
 * Everything read from the file is untrusted (fuzzed through
 * elf_syms_open_mem): every section and string access is bounds-checked by
 * libelf's gelf_* getters and elf_strptr, and names are copied out so the
 * table outlives the Elf handle.
 */
#include "collect/elf_syms.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file with more function symbols than this is refused (bounded memory). */
#define ELF_SYMS_MAX (4u << 20)
/* Segments kept for offset <-> vaddr. */
#define ELF_SYMS_MAX_LOADS 16
/* 20 bytes (SHA-1) is usual; allow up to 64 bytes of id. */
#define ELF_SYMS_BUILD_ID_MAX 64

struct elf_load {
	uint64_t off, vaddr, filesz;
};

struct elf_syms {
	struct elf_sym *syms;
	size_t n;
	char *names;	/* all names, NUL-terminated, back to back */
	struct elf_load loads[ELF_SYMS_MAX_LOADS];
	size_t n_loads;
	char build_id[2 * ELF_SYMS_BUILD_ID_MAX + 1];
};

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* Growable buffers used while reading. */
struct sym_tmp {
	uint64_t addr, size;
	size_t name_off;
};

struct builder {
	struct sym_tmp *v;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

static int builder_add(struct builder *b, uint64_t addr, uint64_t size, const char *name)
{
	size_t len = strlen(name) + 1;

	if (b->n >= ELF_SYMS_MAX)
		return -E2BIG;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		struct sym_tmp *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	if (b->names_len + len > b->names_cap) {
		size_t cap = b->names_cap ? b->names_cap * 2 : 4096;
		char *p;

		while (cap < b->names_len + len)
			cap *= 2;
		p = realloc(b->names, cap);
		if (!p)
			return -ENOMEM;
		b->names = p;
		b->names_cap = cap;
	}
	memcpy(b->names + b->names_len, name, len);
	b->v[b->n++] = (struct sym_tmp){ .addr = addr, .size = size, .name_off = b->names_len };
	b->names_len += len;
	return 0;
}

static int read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct builder *b)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n, i;

	if (!data || sh->sh_entsize == 0)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		int type, err;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if (type != STT_FUNC && type != STT_GNU_IFUNC)
			continue;
		if (sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		err = builder_add(b, sym.st_value, sym.st_size, name);
		if (err)
			return err;
	}
	return 0;
}

static void read_build_id(Elf *elf, Elf_Scn *scn, struct elf_syms *s)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!data)
		return;
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;
		const char *name = (const char *)data->d_buf + name_off;
		size_t i, len = nh.n_descsz;

		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 || memcmp(name, "GNU", 4))
			continue;
		if (len > ELF_SYMS_BUILD_ID_MAX)
			len = ELF_SYMS_BUILD_ID_MAX;
		for (i = 0; i < len; i++)
			snprintf(s->build_id + 2 * i, 3, "%02x", desc[i]);
		return;
	}
	(void)elf;
}

static int cmp_tmp(const void *pa, const void *pb)
{
	const struct sym_tmp *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	/* Sized symbols first at one address, so lookup prefers them. */
	if ((a->size == 0) != (b->size == 0))
		return a->size ? -1 : 1;
	return a->name_off < b->name_off ? -1 : a->name_off > b->name_off;
}

static int finish(struct elf_syms *s, struct builder *b)
{
	size_t i, n = 0;

	if (b->n)	/* qsort of no array (NULL) is undefined behaviour */
		qsort(b->v, b->n, sizeof(*b->v), cmp_tmp);
	s->syms = calloc(b->n ? b->n : 1, sizeof(*s->syms));
	if (!s->syms)
		return -ENOMEM;
	s->names = b->names;
	b->names = NULL;
	for (i = 0; i < b->n; i++) {
		const char *name = s->names + b->v[i].name_off;
		size_t j;
		bool dup = false;

		/* .symtab and .dynsym repeat the same (address, name): keep one. */
		for (j = n; j > 0 && s->syms[j - 1].addr == b->v[i].addr; j--) {
			if (!strcmp(s->syms[j - 1].name, name)) {
				dup = true;
				break;
			}
		}
		if (dup)
			continue;
		s->syms[n++] = (struct elf_sym){ .addr = b->v[i].addr, .size = b->v[i].size,
						 .name = name };
	}
	s->n = n;
	return 0;
}

static int load(Elf *elf, struct elf_syms **out, char *err, size_t errlen)
{
	struct builder b = { 0 };
	struct elf_syms *s;
	Elf_Scn *scn = NULL;
	size_t i, nph = 0;
	bool any_symtab = false;
	int ret;

	if (elf_kind(elf) != ELF_K_ELF) {
		set_err(err, errlen, "not an ELF file");
		return -ENOEXEC;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (elf_getphdrnum(elf, &nph) == 0) {
		for (i = 0; i < nph && s->n_loads < ELF_SYMS_MAX_LOADS; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			/* A segment that wraps around the address space is corrupt: skip it. */
			if (ph.p_offset + ph.p_filesz < ph.p_offset ||
			    ph.p_vaddr + ph.p_filesz < ph.p_vaddr)
				continue;
			s->loads[s->n_loads++] = (struct elf_load){
				.off = ph.p_offset, .vaddr = ph.p_vaddr, .filesz = ph.p_filesz
			};
		}
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) {
			any_symtab = true;
			ret = read_symtab(elf, scn, &sh, &b);
			if (ret) {
				set_err(err, errlen, ret == -E2BIG ? "too many symbols"
								   : "out of memory");
				goto fail;
			}
		} else if (sh.sh_type == SHT_NOTE && !s->build_id[0]) {
			read_build_id(elf, scn, s);
		}
	}
	if (!any_symtab) {
		set_err(err, errlen, "no symbol table (.symtab or .dynsym)");
		ret = -ENOENT;
		goto fail;
	}
	ret = finish(s, &b);
	if (ret) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	free(b.v);
	*out = s;
	return 0;
fail:
	free(b.v);
	free(b.names);
	elf_syms_close(s);
	return ret;
}

static int lib_init(char *err, size_t errlen)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		set_err(err, errlen, "libelf is too old");
		return -ENOTSUP;
	}
	return 0;
}

int elf_syms_open(const char *path, struct elf_syms **out, char *err, size_t errlen)
{
	Elf *elf;
	int fd, ret;

	ret = lib_init(err, errlen);
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		set_err(err, errlen, "not an ELF file");
		return -ENOEXEC;
	}
	ret = load(elf, out, err, errlen);
	elf_end(elf);
	close(fd);
	return ret;
}

int elf_syms_open_mem(const void *data, size_t len, struct elf_syms **out, char *err,
		      size_t errlen)
{
	Elf *elf;
	int ret;

	ret = lib_init(err, errlen);
	if (ret)
		return ret;
	/* libelf takes a non-const image but only reads it with ELF_C_READ_MMAP semantics. */
	elf = elf_memory((char *)(uintptr_t)data, len);
	if (!elf) {
		set_err(err, errlen, "not an ELF file");
		return -ENOEXEC;
	}
	ret = load(elf, out, err, errlen);
	elf_end(elf);
	return ret;
}

void elf_syms_close(struct elf_syms *s)
{
	if (!s)
		return;
	free(s->syms);
	free(s->names);
	free(s);
}

size_t elf_syms_count(const struct elf_syms *s)
{
	return s ? s->n : 0;
}

const struct elf_sym *elf_syms_at(const struct elf_syms *s, size_t i)
{
	return s && i < s->n ? &s->syms[i] : NULL;
}

const struct elf_sym *elf_syms_lookup(const struct elf_syms *s, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi, i;
	const struct elf_sym *sym;

	if (!s || !s->n)
		return NULL;
	hi = s->n;
	/* Last symbol with sym.addr <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	i = lo - 1;
	/* Several symbols at one address: the first (sized ones sort first). */
	while (i > 0 && s->syms[i - 1].addr == s->syms[i].addr)
		i--;
	sym = &s->syms[i];
	if (sym->size && addr - sym->addr >= sym->size) {
		/* Past a sized symbol: only an unsized alias at the same address could cover it. */
		size_t j;

		for (j = i; j < s->n && s->syms[j].addr == sym->addr; j++)
			if (!s->syms[j].size)
				break;
		if (j == s->n || s->syms[j].addr != sym->addr)
			return NULL;
		sym = &s->syms[j];
	}
	if (off)
		*off = addr - sym->addr;
	return sym;
}

size_t elf_syms_match(const struct elf_syms *s, const char *pattern, const struct elf_sym **out,
		      size_t max)
{
	size_t i, found = 0;
	uint64_t last_addr = 0;
	bool have_last = false;

	if (!s || !pattern)
		return 0;
	for (i = 0; i < s->n; i++) {
		const struct elf_sym *sym = &s->syms[i];

		if (fnmatch(pattern, sym->name, 0) != 0)
			continue;
		/* One per address: aliases (memcpy, __memcpy) are one probe. */
		if (have_last && sym->addr == last_addr)
			continue;
		have_last = true;
		last_addr = sym->addr;
		if (found < max && out)
			out[found] = sym;
		found++;
	}
	return found;
}

int elf_syms_offset_to_vaddr(const struct elf_syms *s, uint64_t off, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; s && i < s->n_loads; i++) {
		const struct elf_load *l = &s->loads[i];

		if (off >= l->off && off - l->off < l->filesz) {
			*vaddr = off - l->off + l->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

int elf_syms_vaddr_to_offset(const struct elf_syms *s, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; s && i < s->n_loads; i++) {
		const struct elf_load *l = &s->loads[i];

		if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz) {
			*off = vaddr - l->vaddr + l->off;
			return 0;
		}
	}
	return -ENOENT;
}

const char *elf_syms_build_id(const struct elf_syms *s)
{
	return s ? s->build_id : "";
}
