package org.planwatch.pipeline;

/** A required input is missing or cannot be read: the run stops with a one-line message. */
public final class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
