/* func_probes.c - -u / --usdt specs -> the run's checked probe list (see func_probes.h). */
#include "collect/func_probes.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/elf_syms.h"
#include "collect/lib_path.h"
#include "core/probe_spec.h"

#define NT_STAPSDT 3

/* libstdc++'s demangler (C linkage); -lstdc++ in the Makefile. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

void func_probes_demangle(const char *sym, char *buf, size_t len)
{
	int status = -1;
	char *d = NULL;

	if (!strncmp(sym, "_Z", 2))
		d = __cxa_demangle(sym, NULL, NULL, &status);
	snprintf(buf, len, "%s", d && !status ? d : sym);
	free(d);
}

/* The path into a label-sized field: whole if it fits, else "..." and its tail. */
static void path_tail(const char *path, char *buf, size_t len)
{
	size_t n = strlen(path);

	if (n < len)
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "...%s", path + n - (len - 4));
}

/* Does @path have the USDT probe @provider:@name in .note.stapsdt? 1, 0, or -errno. */
static int usdt_note_exists(const char *path, const char *provider, const char *name)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 0;
	Elf_Scn *scn = NULL;
	Elf *elf;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -ENOEXEC;
	}
	while (!found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && !found && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
			const char *desc = (const char *)data->d_buf + desc_off;
			size_t addrs = 3 * (gelf_getclass(elf) == ELFCLASS32 ? 4 : 8);
			const char *prov, *probe;

			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp((const char *)data->d_buf + name_off, "stapsdt", 8) ||
			    nh.n_descsz <= addrs)
				continue;
			/* provider\0name\0args\0 after the three addresses, all inside desc. */
			prov = desc + addrs;
			if (!memchr(prov, '\0', nh.n_descsz - addrs))
				continue;
			probe = prov + strlen(prov) + 1;
			if (probe >= desc + nh.n_descsz ||
			    !memchr(probe, '\0', (size_t)(desc + nh.n_descsz - probe)))
				continue;
			found = !strcmp(prov, provider) && !strcmp(probe, name);
		}
	}
	elf_end(elf);
	close(fd);
	return found;
}

static struct func_probe *add(struct func_probes *fp, char *err, size_t errlen)
{
	struct func_probe *p;

	if (fp->n == ABI_MAX_FUNCS) {
		snprintf(err, errlen, "more than %d functions and USDT probes in all: name fewer "
			 "(narrow the globs)", ABI_MAX_FUNCS);
		return NULL;
	}
	p = realloc(fp->p, (fp->n + 1) * sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fp->p = p;
	p = &fp->p[fp->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static int add_uprobes(struct func_probes *fp, const char *text, char *err, size_t errlen)
{
	static struct probe_spec s;	/* main thread only; 5 KiB off the stack */
	const struct elf_sym *m[FUNC_PROBES_PER_GLOB];
	char path[PATH_MAX], why[200];
	struct elf_syms *syms;
	size_t total, n;
	int ret;

	ret = probe_spec_parse_uprobe(text, &s, why, sizeof(why));
	if (!ret)
		ret = lib_path_resolve(s.binary, path, sizeof(path), why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "-u %s: %s", text, why);
		return ret;
	}
	ret = elf_syms_open(path, &syms, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "-u %s: %s", text, why);
		return ret;
	}
	total = elf_syms_match(syms, s.function, m, FUNC_PROBES_PER_GLOB);
	if (!total) {
		snprintf(err, errlen, "-u %s: no function %s '%s' in the .symtab or .dynsym of %s",
			 text, probe_spec_is_glob(s.function) ? "matches" : "named", s.function,
			 path);
		elf_syms_close(syms);
		return -ENOENT;
	}
	n = total < FUNC_PROBES_PER_GLOB ? total : FUNC_PROBES_PER_GLOB;
	if (total > n) {
		size_t used = strlen(fp->note);

		snprintf(fp->note + used, sizeof(fp->note) - used, "%s-u %s: %zu matches, %zu probed",
			 used ? "; " : "", text, total, n);
	}
	for (size_t i = 0; i < n; i++) {
		struct func_probe *p = add(fp, err, errlen);

		if (!p) {
			elf_syms_close(syms);
			return -E2BIG;
		}
		p->kind = ABI_FUNC_UPROBE;
		snprintf(p->path, sizeof(p->path), "%s", path);
		snprintf(p->symbol, sizeof(p->symbol), "%s", m[i]->name);
		if (elf_syms_vaddr_to_offset(syms, m[i]->addr, &p->offset)) {
			snprintf(err, errlen, "-u %s: %s of %s is in no loadable segment", text,
				 m[i]->name, path);
			elf_syms_close(syms);
			return -ENOENT;
		}
		func_probes_demangle(m[i]->name, p->label, sizeof(p->label));
		path_tail(path, p->detail, sizeof(p->detail));
	}
	elf_syms_close(syms);
	return 0;
}

static int add_usdt(struct func_probes *fp, const char *text, char *err, size_t errlen)
{
	static struct probe_spec s;
	char path[PATH_MAX], why[200];
	struct func_probe *p;
	int ret;

	ret = probe_spec_parse_usdt(text, &s, why, sizeof(why));
	if (!ret)
		ret = lib_path_resolve(s.binary, path, sizeof(path), why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "--usdt %s: %s", text, why);
		return ret;
	}
	for (int i = 0; i < (s.end[0] ? 2 : 1); i++) {
		const char *name = i ? s.end : s.probe;

		ret = usdt_note_exists(path, s.provider, name);
		if (ret < 0) {
			snprintf(err, errlen, "--usdt %s: cannot read %s: %s", text, path,
				 strerror(-ret));
			return ret;
		}
		if (!ret) {
			snprintf(err, errlen, "--usdt %s: no USDT probe %s:%s in %s (readelf -n "
				 "lists them)", text, s.provider, name, path);
			return -ENOENT;
		}
	}
	p = add(fp, err, errlen);
	if (!p)
		return -E2BIG;
	p->kind = s.end[0] ? ABI_FUNC_USDT_SPAN : ABI_FUNC_USDT_COUNT;
	snprintf(p->path, sizeof(p->path), "%s", path);
	snprintf(p->provider, sizeof(p->provider), "%s", s.provider);
	snprintf(p->probe, sizeof(p->probe), "%s", s.probe);
	snprintf(p->end, sizeof(p->end), "%s", s.end);
	probe_spec_usdt_label(&s, p->label, sizeof(p->label));
	path_tail(path, p->detail, sizeof(p->detail));
	return 0;
}

int func_probes_build(const char *const *uprobes, size_t n_uprobes, const char *const *usdts,
		      size_t n_usdts, struct func_probes *out, char *err, size_t errlen)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n_uprobes && !ret; i++)
		ret = add_uprobes(out, uprobes[i], err, errlen);
	for (size_t i = 0; i < n_usdts && !ret; i++)
		ret = add_usdt(out, usdts[i], err, errlen);
	if (ret)
		func_probes_free(out);
	return ret;
}

void func_probes_free(struct func_probes *fp)
{
	free(fp->p);
	fp->p = NULL;
	fp->n = 0;
}
