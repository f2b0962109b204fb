/*
 * elf_syms.h - the function symbols of one ELF file (.symtab and .dynsym,
 * read with libelf), for both directions: name (or glob) -> address when
 * attaching uprobes, address -> name when symbolising user stacks.
 *
 * Addresses are the ELF's virtual addresses (st_value). A process maps the
 * file at some base: runtime address -> file offset comes from
 * /proc/PID/maps (addr - start + pgoff), file offset -> virtual address
 * from the PT_LOAD segments (elf_syms_offset_to_vaddr); uprobes attach at
 * a file offset (elf_syms_vaddr_to_offset). Names are raw bytes from the
 * file: untrusted; C++ names are mangled here (demangle when shown).
 */
#ifndef LATTOP_COLLECT_ELF_SYMS_H
#define LATTOP_COLLECT_ELF_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_syms;

struct elf_sym {
	uint64_t addr;		/* st_value: virtual address */
	uint64_t size;		/* st_size; 0 when the file does not say */
	const char *name;	/* owned by the elf_syms */
};

/*
 * Read the function symbols (STT_FUNC, STT_GNU_IFUNC; defined) of @path.
 * 0 with *@out, or a negative errno and why in @err (no such file, not an
 * ELF file, no symbol table at all).
 */
int elf_syms_open(const char *path, struct elf_syms **out, char *err, size_t errlen);

/* The same from an ELF image in memory (fuzzing, tests); @data must outlive *@out. */
int elf_syms_open_mem(const void *data, size_t len, struct elf_syms **out, char *err,
		      size_t errlen);

void elf_syms_close(struct elf_syms *s);

/* Number of symbols (deduplicated by address and name), and symbol @i in address order. */
size_t elf_syms_count(const struct elf_syms *s);
const struct elf_sym *elf_syms_at(const struct elf_syms *s, size_t i);

/*
 * The symbol containing @addr (addr in [sym.addr, sym.addr + size), or the
 * nearest one below when sizes are 0), and *@off = addr - sym.addr; NULL
 * when none. O(log n).
 */
const struct elf_sym *elf_syms_lookup(const struct elf_syms *s, uint64_t addr, uint64_t *off);

/*
 * Symbols whose name matches @pattern (fnmatch glob; an exact name is a
 * glob too), at most @max into @out (one per address). Returns how many
 * matched in all, which may be more than @max.
 */
size_t elf_syms_match(const struct elf_syms *s, const char *pattern, const struct elf_sym **out,
		      size_t max);

/* File offset <-> virtual address through the PT_LOAD segments. 0 or -ENOENT. */
int elf_syms_offset_to_vaddr(const struct elf_syms *s, uint64_t off, uint64_t *vaddr);
int elf_syms_vaddr_to_offset(const struct elf_syms *s, uint64_t vaddr, uint64_t *off);

/* The GNU build id as lowercase hex ("" when the file has none). */
const char *elf_syms_build_id(const struct elf_syms *s);

#endif
