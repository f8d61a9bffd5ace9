package dev.actorkv.tool;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Messages for I/O failures that always name the path AND the reason: the JDK's file exceptions carry
 * only the path as their message ({@code NoSuchFileException: f}), and reasons such as "Is a directory"
 * come without the path; neither alone tells a user what went wrong where.
 */
final class IoMessages {
  private IoMessages() {}

  /** {@code "<what> <path>: <reason>"}, e.g. "cannot read in.jsonl: no such file". */
  static String describe(String what, Path path, IOException e) {
    return what + " " + path + ": " + reason(e);
  }

  /** Why {@code e} happened, without the path it names. */
  static String reason(IOException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file or directory";
      case AccessDeniedException x -> "permission denied";
      case FileAlreadyExistsException x -> "it already exists";
      case NotDirectoryException x -> "not a directory";
      case DirectoryNotEmptyException x -> "directory not empty";
      case FileSystemException x when x.getReason() != null -> x.getReason();
      case FileSystemException x -> "file system error";
      default -> e.getMessage() != null ? e.getMessage() : "I/O error";
    };
  }
}
