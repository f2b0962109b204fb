/* fuzz_elf_syms.c - any bytes as an ELF image: no crash, and a table that keeps its contract. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/elf_syms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees any read past the image. */
	char *img = malloc(size ? size : 1), err[128];
	struct elf_syms *s = NULL;
	const struct elf_sym *m[4];
	size_t i, n;

	if (!img)
		abort();
	memcpy(img, data, size);
	if (elf_syms_open_mem(img, size, &s, err, sizeof(err)) == 0) {
		n = elf_syms_count(s);
		for (i = 0; i < n; i++) {
			const struct elf_sym *sym = elf_syms_at(s, i);
			uint64_t off, v;

			if (i && elf_syms_at(s, i - 1)->addr > sym->addr)
				abort();
			(void)strlen(sym->name);
			if (!elf_syms_lookup(s, sym->addr, &off))
				abort();
			if (elf_syms_vaddr_to_offset(s, sym->addr, &off) == 0 &&
			    elf_syms_offset_to_vaddr(s, off, &v) != 0)
				abort();
		}
		if (elf_syms_match(s, "*", m, 4) > n)
			abort();
		if (strlen(elf_syms_build_id(s)) % 2)
			abort();
		elf_syms_close(s);
	} else if (s) {
		abort();
	}
	free(img);
	return 0;
}
