/**
 * Shared by the load and page-budget benchmarks: tables for the terminal and the README, and
 * replacing a benchmark's own section of the README between its markers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const log = (text: string) => process.stderr.write(`${text}\n`);

/** A Markdown table, its columns padded (as prettier would) so the README stays lint-clean. */
export function markdownTable(head: string[], rows: string[][]): string {
	const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) =>
		`| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
	return [
		line(head),
		`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
		...rows.map(line)
	].join('\n');
}

/** The same table as plain text for the terminal. */
export function textTable(head: string[], rows: string[][]): string {
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ');
	return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** "2 cores (model), 23.5 GiB RAM, Node v20…" */
export function machine(): string {
	const cpu = cpus();
	return (
		`${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ` +
		`${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`
	);
}

/** Wraps a paragraph or list item at 100 columns, as the rest of the README is written. */
function wrap(text: string): string {
	if (text.startsWith('|')) return text; // a table
	const indent = text.startsWith('- ') ? '  ' : '';
	const lines: string[] = [];
	let line = '';
	for (const word of text.replace(/\s*\n\s*/g, ' ').split(' ')) {
		// never start a line with what Markdown would read as a list, quote, heading or table
		const safe = !/^([-+*>#|=]|\d+[.)])/.test(word);
		if (line && safe && line.length + 1 + word.length > 100) {
			lines.push(line);
			line = indent + word;
		} else line = line ? `${line} ${word}` : word;
	}
	lines.push(line);
	return lines.join('\n');
}

/**
 * Puts `body` between `<!-- name -->` and `<!-- /name -->` in README.md (a new subsection of
 * "Benchmark" titled `title` when the markers are missing), then formats it with prettier.
 */
export async function updateReadme(name: string, title: string, body: string) {
	const path = join(ROOT, 'README.md');
	let text = await readFile(path, 'utf8');
	const open = `<!-- ${name} -->`;
	const close = `<!-- /${name} -->`;
	const blocks = body
		.trim()
		.split(/\n{2,}/)
		.map((b) =>
			b.startsWith('|')
				? b
				: b
						.split(/\n(?=- )/)
						.map(wrap)
						.join('\n')
		);
	const section = `${open}\n\n${blocks.join('\n\n')}\n\n${close}`;
	const start = text.indexOf(open);
	const end = text.indexOf(close);
	if (start !== -1 && end > start)
		text = text.slice(0, start) + section + text.slice(end + close.length);
	else text = `${text.trimEnd()}\n\n### ${title}\n\n${section}\n`;
	const prettier = await import('prettier');
	const options = (await prettier.resolveConfig(path)) ?? {};
	await writeFile(path, await prettier.format(text, { ...options, filepath: path }));
	log(`README.md: ${title} updated.`);
}
