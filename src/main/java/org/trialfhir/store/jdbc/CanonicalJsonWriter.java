package org.trialfhir.store.jdbc;

import ca.uhn.fhir.parser.json.BaseJsonLikeWriter;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * HAPI's JSON events written straight to a Jackson generator, for {@link ResourceCodec}: the same characters as
 * HAPI's own {@code JacksonWriter}, which hands every value to {@code writeObject} to find its type again, with one
 * change when asked for: a decimal HAPI hands over in exponent form (1E+6) is written in the plain form a parse of the
 * JSON would give it (1000000), and counted, so the codec can give the resource's decimals that form without
 * encoding it a second time.
 *
 * <p>A number in exponent form that is not a decimal cannot be given its parsed form here: any double (HAPI's R4
 * model writes none) is reported instead.
 */
final class CanonicalJsonWriter extends BaseJsonLikeWriter {
  private final JsonGenerator json;
  private final boolean plainDecimals;
  private int plainedDecimals;
  private boolean doubles;

  CanonicalJsonWriter(JsonGenerator json, boolean plainDecimals) {
    this.json = json;
    this.plainDecimals = plainDecimals;
  }

  /** How many decimals were written in plain form although HAPI handed them over in exponent form. */
  int plainedDecimals() {
    return plainedDecimals;
  }

  /** Whether a double was written (whose text may be in exponent form). */
  boolean wroteDoubles() {
    return doubles;
  }

  @Override
  public BaseJsonLikeWriter init() {
    if (isPrettyPrint()) {
      // The store keeps compact JSON only; HAPI's writer sets up its own printer for this.
      throw new IllegalStateException("the stored JSON is never pretty-printed");
    }
    return this;
  }

  @Override
  public BaseJsonLikeWriter flush() {
    return this;
  }

  @Override
  public void close() throws IOException {
    json.close();
  }

  @Override
  public BaseJsonLikeWriter beginObject() throws IOException {
    json.writeStartObject();
    return this;
  }

  @Override
  public BaseJsonLikeWriter beginObject(String name) throws IOException {
    json.writeObjectFieldStart(name);
    return this;
  }

  @Override
  public BaseJsonLikeWriter beginArray(String name) throws IOException {
    json.writeArrayFieldStart(name);
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(String value) throws IOException {
    json.writeString(value);
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(BigInteger value) throws IOException {
    json.writeNumber(value);
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(BigDecimal value) throws IOException {
    if (value == null) {
      json.writeNull();
      return this;
    }
    // HAPI's decimal answers toString() with the element's text, which is what it writes.
    String text = value.toString();
    if (plainDecimals && (text.indexOf('E') >= 0 || text.indexOf('e') >= 0)) {
      plainedDecimals++;
      json.writeNumber(value.toPlainString());
    } else {
      json.writeNumber(text);
    }
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(long value) throws IOException {
    json.writeNumber(value);
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(double value) throws IOException {
    doubles = true;
    json.writeNumber(value);
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(Boolean value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else {
      json.writeBoolean(value);
    }
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(boolean value) throws IOException {
    json.writeBoolean(value);
    return this;
  }

  @Override
  public BaseJsonLikeWriter writeNull() throws IOException {
    json.writeNull();
    return this;
  }

  @Override
  public BaseJsonLikeWriter write(String name, String value) throws IOException {
    json.writeFieldName(name);
    return write(value);
  }

  @Override
  public BaseJsonLikeWriter write(String name, BigInteger value) throws IOException {
    json.writeFieldName(name);
    return write(value);
  }

  @Override
  public BaseJsonLikeWriter write(String name, BigDecimal value) throws IOException {
    json.writeFieldName(name);
    return write(value);
  }

  @Override
  public BaseJsonLikeWriter write(String name, long value) throws IOException {
    json.writeFieldName(name);
    return write(value);
  }

  @Override
  public BaseJsonLikeWriter write(String name, double value) throws IOException {
    json.writeFieldName(name);
    return write(value);
  }

  @Override
  public BaseJsonLikeWriter write(String name, Boolean value) throws IOException {
    json.writeFieldName(name);
    return write(value);
  }

  @Override
  public BaseJsonLikeWriter write(String name, boolean value) throws IOException {
    json.writeFieldName(name);
    return write(value);
  }

  @Override
  public BaseJsonLikeWriter endObject() throws IOException {
    json.writeEndObject();
    return this;
  }

  @Override
  public BaseJsonLikeWriter endArray() throws IOException {
    json.writeEndArray();
    return this;
  }

  @Override
  public BaseJsonLikeWriter endBlock() throws IOException {
    json.writeEndObject();
    return this;
  }
}
