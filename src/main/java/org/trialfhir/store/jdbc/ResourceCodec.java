package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseDecimalDatatype;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns a resource into the bytes the store keeps and back: FHIR JSON without the stamps the store sets itself
 * ({@code meta.versionId}, {@code meta.lastUpdated}, the id's version), compressed ({@link StoredCompression}), with
 * the SHA-256 of the JSON as its content identity; and stored bytes plus version columns back into a stamped resource.
 *
 * <p>The JSON is HAPI's encoding of the resource as a parse of its first encoding would give it back (see {@link
 * #encode}): deterministic for equal content, so equal hashes mean an unchanged write.
 * Versions inside references are kept as written (HAPI strips them by default).
 */
final class ResourceCodec {
  /** What a resource is stored as: its unstamped canonical copy, the compressed JSON and the JSON's hash. */
  record Encoded(Resource unstamped, byte[] compressed, String sha256) {}

  /**
   * A resource about to be written: its unstamped copy in canonical form, encoded and compressed once. The stored form
   * is what a parse of the JSON gives back, so every instance and every restart serves the same thing and a resource
   * read back and written again hashes the same (see {@link #encode}).
   */
  static final class Pending {
    private final Encoded canonical;

    private Pending(Resource canonicalCopy, byte[] json) {
      this.canonical = new Encoded(canonicalCopy, StoredCompression.compress(json), sha256(json));
    }

    /** Whether the content equals what a stored hash stands for. */
    boolean sameAs(String storedSha256) {
      return canonical.sha256().equals(storedSha256);
    }

    Encoded canonical() {
      return canonical;
    }
  }

  /** Whether a number outside the JSON's strings is in exponent notation (an e after a digit or a point). */
  static boolean hasExponentNumber(String json) {
    return hasExponentNumber(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@link #hasExponentNumber(String)} over the UTF-8 bytes: every character it looks for is ASCII, and no byte of a
   * multi-byte character is.
   */
  static boolean hasExponentNumber(byte[] json) {
    boolean inString = false;
    for (int i = 0; i < json.length; i++) {
      byte c = json[i];
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if ((c == 'e' || c == 'E') && i > 0
          && ((json[i - 1] >= '0' && json[i - 1] <= '9') || json[i - 1] == '.')) {
        return true;
      }
    }
    return false;
  }

  /**
   * A plain Jackson factory for the encoder's output. HAPI's own writer ({@code encodeResourceToWriter}) takes its
   * generator from an ObjectMapper, which writes each value through databind and flushes the writer after it; a
   * generator without a codec writes the same characters (it knows every type HAPI hands it) and flushes once. Its
   * byte generator writes a surrogate pair as the four UTF-8 bytes of its character, as a character encoder does,
   * only when told to combine them (by default it escapes each half).
   */
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  /** One digest per thread: looking one up per resource goes through the security providers each time. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  });

  private final FhirContext ctx;
  private final LeanJsonEncoder lean;

  /**
   * Turns off the context's automatic containing of references whose target is an in-memory resource without an id:
   * its search walks every element of every resource encoded (a third of the encoder's time), and no resource the store
   * takes has such a reference (ours are mapped with literal references; written ones are parsed, where a local
   * reference points into {@code contained}, which is still encoded). The setting is the context's, so the server's
   * encoding of what it reads from the store is spared the walk too.
   */
  ResourceCodec(FhirContext ctx) {
    this.ctx = ctx;
    this.lean = new LeanJsonEncoder(ctx);
    ctx.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
  }

  /**
   * Copies the resource (the caller's instance is never kept or changed, unless {@code handedOver}: then it is used
   * itself, as a copy costs about half as much as the encoding) without stamps, and encodes the copy in canonical
   * form. A resource built in Java can differ from its parse: HAPI reads a decimal written as 1E+6 back as 1000000, its
   * plain form. Such decimals are written in their plain form and given it in the copy, so the copy is what a parse
   * would give without the cost of one (narratives make parsing slow); a number in exponent form that is not a decimal
   * element, or a decimal the walk over the copy does not reach, still takes a parse and a second encoding.
   */
  Pending encode(Resource resource, String type, String id, boolean handedOver) {
    Resource copy = handedOver ? resource : resource.copy();
    copy.setIdElement(new IdType(type, id));
    if (copy.hasMeta()) {
      copy.getMeta().setVersionIdElement(null);
      copy.getMeta().setLastUpdatedElement(null);
      if (copy.getMeta().isEmpty()) {
        copy.setMeta(null);
      }
    }
    Utf8 first = utf8(copy, true);
    byte[] json = first.json();
    int plained = first.plainedDecimals();
    boolean allReached = plained == 0 || (first.plainedElements() != null
        ? givePlainForm(first.plainedElements()) : givePlainForm(copy) == plained);
    if (!allReached || first.wroteDoubles()) {
      json = utf8(copy, false).json();
      if (hasExponentNumber(json)) {
        copy = (Resource) parser().parseResource(new String(json, StandardCharsets.UTF_8));
        json = utf8(copy, false).json();
      }
    }
    return new Pending(copy, json);
  }

  /**
   * Gives the decimals the lean encoder wrote in plain form that form in the copy; true, as it wrote every decimal of
   * the resource. The same decimals and values as {@link #givePlainForm(Resource)} (whose walk over the resource took a
   * tenth of the encoding of the resources that have one).
   */
  private static boolean givePlainForm(List<IBaseDecimalDatatype> decimals) {
    for (IBaseDecimalDatatype decimal : decimals) {
      decimal.setValueAsString(decimal.getValue().toPlainString());
    }
    return true;
  }

  /** Gives every decimal in exponent form its plain form, as a parse would; returns how many it changed. */
  private int givePlainForm(Resource resource) {
    int changed = 0;
    for (DecimalType decimal : ctx.newTerser().getAllPopulatedChildElementsOfType(resource, DecimalType.class)) {
      String text = decimal.getValueAsString();
      if (decimal.getValue() != null && (text.indexOf('E') >= 0 || text.indexOf('e') >= 0)) {
        decimal.setValueAsString(decimal.getValue().toPlainString());
        changed++;
      }
    }
    return changed;
  }

  /**
   * A resource's JSON, how many exponent decimals it has in plain form (the lean encoder also says which: else null),
   * and whether it holds a double.
   */
  record Utf8(byte[] json, int plainedDecimals, List<IBaseDecimalDatatype> plainedElements, boolean wroteDoubles) {}

  /**
   * The resource's JSON, encoded straight into UTF-8 bytes (the bytes {@code getBytes(UTF_8)} of its string gives,
   * but neither the string nor a character encoder is made), with decimals in exponent form in plain form if asked.
   * The characters are those of HAPI's {@code encodeResourceToWriter} (ResourceCodecTest holds the two equal).
   * Jackson's byte generator writes an unpaired surrogate as a JSON escape (backslash, u, D800) where encoding the
   * characters gives a {@code ?}; the rare resource with one (the escape is the only one with a D after the u) is
   * written through a character encoder instead.
   */
  private Utf8 utf8(Resource resource, boolean plainDecimals) {
    // The same bytes for a third of the CPU, for every resource whose shape it writes with certainty.
    LeanJsonEncoder.Result lean = this.lean.encode(resource, plainDecimals);
    if (lean != null) {
      return new Utf8(lean.json(), lean.plainedDecimals(), lean.plained(), false);
    }
    return standardUtf8(resource, plainDecimals);
  }

  /** {@link #utf8} through HAPI's encoder, for resources the lean one leaves to it (and tests comparing the two). */
  Utf8 standardUtf8(Resource resource, boolean plainDecimals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      CanonicalJsonWriter writer = write(resource, JSON.createGenerator(out, JsonEncoding.UTF8), plainDecimals);
      byte[] json = out.toByteArray();
      if (hasSurrogateEscape(json)) {
        out.reset();
        writer = write(resource, JSON.createGenerator(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
            plainDecimals);
        json = out.toByteArray();
      }
      return new Utf8(json, writer.plainedDecimals(), null, writer.wroteDoubles());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private CanonicalJsonWriter write(Resource resource, JsonGenerator generator, boolean plainDecimals)
      throws IOException {
    CanonicalJsonWriter writer = new CanonicalJsonWriter(generator, plainDecimals);
    ((IJsonLikeParser) parser()).encodeResourceToJsonLikeWriter(resource, writer);
    writer.close();
    return writer;
  }

  /** Whether the JSON holds an escaped surrogate (backslash, u, D): only strings hold escapes. */
  static boolean hasSurrogateEscape(byte[] json) {
    for (int i = 0; i < json.length - 2; i++) {
      if (json[i] == '\\') {
        if (json[i + 1] == 'u' && (json[i + 2] == 'D' || json[i + 2] == 'd')) {
          return true;
        }
        i++; // the escaped character, which may be a backslash itself
      }
    }
    return false;
  }

  /** Parses stored bytes and stamps the result with its version and time. */
  Resource decode(byte[] stored, String type, String id, int versionId, Instant lastUpdated) {
    Resource resource =
        (Resource) parser().parseResource(new String(StoredCompression.decompress(stored), StandardCharsets.UTF_8));
    return stamp(resource, type, id, versionId, lastUpdated);
  }

  /**
   * {@link #decode} without the narrative ({@code text}): for readers that only index values. The narrative's XHTML is
   * what costs most to parse in our resources, and no search parameter reads it.
   */
  Resource decodeWithoutNarrative(byte[] stored, String type, String id, int versionId, Instant lastUpdated) {
    String json = withoutMember(new String(StoredCompression.decompress(stored), StandardCharsets.UTF_8), "text");
    return stamp((Resource) parser().parseResource(json), type, id, versionId, lastUpdated);
  }

  /** The JSON object without its top-level member {@code name} (unchanged when it has none). */
  static String withoutMember(String json, String name) {
    String key = "\"" + name + "\":";
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        if (depth == 1 && json.startsWith(key, i)) {
          int end = endOfValue(json, i + key.length());
          int from = json.charAt(i - 1) == ',' ? i - 1 : i;
          int to = from == i && end < json.length() && json.charAt(end) == ',' ? end + 1 : end;
          return json.substring(0, from) + json.substring(to);
        }
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return json;
  }

  /** Where the JSON value starting at {@code start} ends (the index after it). */
  private static int endOfValue(String json, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
          if (depth == 0) {
            return i + 1;
          }
        }
      } else if (depth == 0 && (c == ',' || c == '}' || c == ']')) {
        // The end of a number, true, false or null.
        return i;
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
    }
    return json.length();
  }

  /** Sets the versioned id and {@code meta.versionId}/{@code meta.lastUpdated}, in place; returns the resource. */
  static Resource stamp(Resource resource, String type, String id, int versionId, Instant lastUpdated) {
    resource.setIdElement(new IdType(type, id, String.valueOf(versionId)));
    resource.getMeta().setVersionId(String.valueOf(versionId));
    resource.getMeta().setLastUpdated(Date.from(lastUpdated));
    return resource;
  }

  /** Parsers are not thread-safe and cheap to make: one per call. */
  private IParser parser() {
    return ctx.newJsonParser().setStripVersionsFromReferences(false);
  }


  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(SHA256.get().digest(bytes));
  }
}
