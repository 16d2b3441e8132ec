package org.trialfhir.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Writes reader results as JSON (absent values left out), for the {@code parse} command and golden files. */
public final class RecordJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private RecordJson() {}

  /** One file's result, as the {@code parse} command prints it. */
  public record FileResult(String file, @JsonUnwrapped ParseResult result) {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("records always serialise", e);
    }
  }

  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }
}
