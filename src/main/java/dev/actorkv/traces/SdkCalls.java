package dev.actorkv.traces;

import io.opentelemetry.sdk.common.CompletableResultCode;

/**
 * The flush and shutdown that {@link ActorSpanProcessor} and {@link ActorSpanExporter} both offer the
 * OpenTelemetry SDK: a storage error becomes a failed result code, never an exception into the SDK.
 */
final class SdkCalls {
  private SdkCalls() {}

  static CompletableResultCode flush(ActorTraces traces) {
    return run(traces::flush);
  }

  /** Closes the traces when the caller owns them, otherwise only flushes. */
  static CompletableResultCode shutdown(ActorTraces traces, boolean closeOnShutdown) {
    return run(closeOnShutdown ? traces::close : traces::flush);
  }

  private static CompletableResultCode run(Runnable action) {
    try {
      action.run();
      return CompletableResultCode.ofSuccess();
    } catch (RuntimeException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
  }
}
