package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns a resource into the bytes the store keeps and back: FHIR JSON without the stamps the store sets itself
 * ({@code meta.versionId}, {@code meta.lastUpdated}, the id's version), gzip-compressed, with the SHA-256 of the
 * JSON as its content identity; and stored bytes plus version columns back into a stamped resource.
 *
 * <p>The JSON is HAPI's encoding of the resource as parsed back from its first encoding (see {@link Pending}):
 * deterministic for equal content, so equal hashes mean an unchanged write.
 * Versions inside references are kept as written (HAPI strips them by default).
 */
final class ResourceCodec {
  /** What a resource is stored as: its unstamped canonical copy, the compressed JSON and the JSON's hash. */
  record Encoded(Resource unstamped, byte[] gzip, String sha256) {}

  /**
   * A resource about to be written: its unstamped copy encoded once, and its canonical form on demand. The stored
   * form is what a parse of the JSON gives back, so every instance and every restart serves the same thing and a
   * resource read back and written again hashes the same. A resource built in Java can differ from its parse: HAPI
   * reads a decimal written as 1E+6 back as 1000000. Only then does the canonical form cost a parse and a second
   * encoding; a resource that came from JSON (a client's, our conformance resources) or has no such number is
   * already canonical.
   */
  final class Pending {
    private final Resource copy;
    private final String json;
    private final String sha256;
    private final boolean canonicalAsEncoded;
    private Encoded canonical;

    private Pending(Resource copy, String json) {
      this.copy = copy;
      this.json = json;
      this.sha256 = sha256(json.getBytes(StandardCharsets.UTF_8));
      this.canonicalAsEncoded = !hasExponentNumber(json);
    }

    /** Whether the content equals what a stored hash stands for. */
    boolean sameAs(String storedSha256) {
      return storedSha256 != null && (canonicalAsEncoded ? sha256 : canonical().sha256()).equals(storedSha256);
    }

    synchronized Encoded canonical() {
      if (canonical == null) {
        if (!canonicalAsEncoded) {
          Resource parsed = (Resource) parser().parseResource(json);
          byte[] bytes = parser().encodeResourceToString(parsed).getBytes(StandardCharsets.UTF_8);
          canonical = new Encoded(parsed, gzip(bytes), sha256(bytes));
        } else {
          canonical = new Encoded(copy, gzip(json.getBytes(StandardCharsets.UTF_8)), sha256);
        }
      }
      return canonical;
    }
  }

  /** Whether a number outside the JSON's strings is in exponent notation (an e after a digit or a point). */
  static boolean hasExponentNumber(String json) {
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
        inString = true;
      } else if ((c == 'e' || c == 'E') && i > 0 && (Character.isDigit(json.charAt(i - 1)) || json.charAt(i - 1) == '.')) {
        return true;
      }
    }
    return false;
  }

  private final FhirContext ctx;

  ResourceCodec(FhirContext ctx) {
    this.ctx = ctx;
  }

  /** Copies the resource (the caller's instance is never kept or changed) without stamps, and encodes the copy. */
  Pending encode(Resource resource, String type, String id) {
    Resource copy = resource.copy();
    copy.setIdElement(new IdType(type, id));
    if (copy.hasMeta()) {
      copy.getMeta().setVersionIdElement(null);
      copy.getMeta().setLastUpdatedElement(null);
      if (copy.getMeta().isEmpty()) {
        copy.setMeta(null);
      }
    }
    return new Pending(copy, parser().encodeResourceToString(copy));
  }

  /** Parses stored bytes and stamps the result with its version and time. */
  Resource decode(byte[] gzip, String type, String id, int versionId, Instant lastUpdated) {
    Resource resource = (Resource) parser().parseResource(new String(gunzip(gzip), StandardCharsets.UTF_8));
    return stamp(resource, type, id, versionId, lastUpdated);
  }

  /**
   * {@link #decode} without the narrative ({@code text}): for readers that only index values. The narrative's XHTML is
   * what costs most to parse in our resources, and no search parameter reads it.
   */
  Resource decodeWithoutNarrative(byte[] gzip, String type, String id, int versionId, Instant lastUpdated) {
    String json = withoutMember(new String(gunzip(gzip), StandardCharsets.UTF_8), "text");
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

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] bytes) {
    try (GZIPInputStream zip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return zip.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("stored content is not gzip: " + e.getMessage(), e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
