import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from "node:fs";
import { decodeText, formatIssues, ValidationError } from "@software-factory/core";

/** What a file system entry that is not a regular file is, in words (`a named pipe (FIFO)`). */
export function entryKind(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

/**
 * Reads a text file that must be UTF-8 without NUL bytes (a SKILL.md, a
 * `.mdc` rule, an AGENTS.md). Other bytes would otherwise become U+FFFD
 * without a word. The file is opened without blocking and read only when
 * what was opened is a regular file: opening a named pipe would wait for a
 * writer forever, and a device such as `/dev/zero` never ends.
 *
 * @throws ValidationError naming the file, line and column of the first byte that is not text,
 *   or naming the file when it is a named pipe, a device, a socket or a folder.
 */
export function readUtf8File(file: string, subject: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  let bytes: Buffer;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      const issues = [
        {
          path: "",
          message: `is ${entryKind(stats)}, not a regular file; only regular files are read`,
          file,
        },
      ];
      throw new ValidationError({ message: formatIssues(subject, issues), issues });
    }
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  const read = decodeText(bytes);
  if ("text" in read) return read.text;
  const { line, column, message } = read.notText;
  const issues = [{ path: "", message, file, line, column }];
  throw new ValidationError({ message: formatIssues(subject, issues), issues });
}
