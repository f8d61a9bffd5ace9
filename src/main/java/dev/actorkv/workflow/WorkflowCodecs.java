package dev.actorkv.workflow;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The standard codecs. {@link #of(Class)} is the default used when a workflow names only a type:
 * strings as strict UTF-8, byte arrays as themselves, {@link Void} as empty, and everything else
 * (numbers, booleans, records, POJOs, lists, maps) as JSON through Jackson. Numbers and booleans
 * ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}, {@code Boolean}, {@code Double},
 * {@code Float} and their primitive types) are written and read without Jackson, byte for byte as
 * Jackson does. Protobuf messages use {@link #protobuf(Parser)}.
 */
public final class WorkflowCodecs {
  /**
   * Created on first use: building the mapper loads hundreds of Jackson classes, which a workflow
   * whose values are strings, bytes, numbers and booleans never needs.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private static final WorkflowCodec<String> UTF8 = new WorkflowCodec<>() {
    @Override
    public byte[] encode(String value) {
      return Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      try {
        return StrictUtf8.decode(bytes);
      } catch (CharacterCodingException e) {
        throw new WorkflowCodecException("recorded value is not valid UTF-8", e);
      }
    }
  };

  private static final WorkflowCodec<byte[]> BYTES = new WorkflowCodec<>() {
    @Override
    public byte[] encode(byte[] value) {
      return Objects.requireNonNull(value, "value").clone();
    }

    @Override
    public byte[] decode(byte[] bytes) {
      return bytes.clone();
    }
  };

  private static final WorkflowCodec<Void> VOID = new WorkflowCodec<>() {
    @Override
    public byte[] encode(Void value) {
      return new byte[0];
    }

    @Override
    public Void decode(byte[] bytes) {
      if (bytes.length != 0) {
        throw new WorkflowCodecException("a Void value is recorded as 0 bytes, found " + bytes.length);
      }
      return null;
    }
  };

  private WorkflowCodecs() {}

  public static WorkflowCodec<String> utf8() {
    return UTF8;
  }

  public static WorkflowCodec<byte[]> bytes() {
    return BYTES;
  }

  /** For steps run only for their effect: records nothing but the fact they completed. */
  public static WorkflowCodec<Void> none() {
    return VOID;
  }

  /** The default codec for {@code type} (see the class comment). */
  @SuppressWarnings("unchecked")
  public static <T> WorkflowCodec<T> of(Class<T> type) {
    if (type == String.class) {
      return (WorkflowCodec<T>) UTF8;
    }
    if (type == byte[].class) {
      return (WorkflowCodec<T>) BYTES;
    }
    if (type == Void.class) {
      return (WorkflowCodec<T>) VOID;
    }
    if (MessageLite.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(
          "protobuf message " + type.getName() + ": use WorkflowCodecs.protobuf(" + type.getSimpleName() + ".parser())");
    }
    WorkflowCodec<T> scalar = ScalarJsonCodec.forType(type);
    return scalar != null ? scalar : jsonOf(type);
  }

  /** The Jackson codec of {@code type}; for a scalar type, what {@link ScalarJsonCodec} falls back to and must match. */
  static <T> WorkflowCodec<T> jsonOf(Class<T> type) {
    return json(Json.MAPPER.constructType(type));
  }

  /** JSON through Jackson for a generic type, e.g. {@code json(new TypeReference<List<Order>>() {})}. */
  public static <T> WorkflowCodec<T> json(TypeReference<T> type) {
    return json(Json.MAPPER.constructType(type));
  }

  private static <T> WorkflowCodec<T> json(JavaType type) {
    // Built once per codec (immutable, thread-safe): writerFor/readerFor per value cost more than the value.
    ObjectWriter writer = Json.MAPPER.writerFor(type);
    ObjectReader reader = Json.MAPPER.readerFor(type);
    return new WorkflowCodec<>() {
      @Override
      public byte[] encode(T value) {
        try {
          return writer.writeValueAsBytes(value);
        } catch (IOException e) {
          throw new WorkflowCodecException("cannot encode " + type + " as JSON: " + e.getMessage(), e);
        }
      }

      @Override
      public T decode(byte[] bytes) {
        try {
          return reader.readValue(bytes);
        } catch (IOException e) {
          throw new WorkflowCodecException("recorded value is not JSON of " + type + ": " + e.getMessage(), e);
        }
      }
    };
  }

  /** A protobuf message in its binary encoding. */
  public static <T extends MessageLite> WorkflowCodec<T> protobuf(Parser<T> parser) {
    Objects.requireNonNull(parser, "parser");
    return new WorkflowCodec<>() {
      @Override
      public byte[] encode(T value) {
        return value.toByteArray();
      }

      @Override
      public T decode(byte[] bytes) {
        try {
          return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new WorkflowCodecException("recorded value is not a valid protobuf message: " + e.getMessage(), e);
        }
      }
    };
  }
}
