package org.trialfhir.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a registry id or a party's name into the stable FHIR resource id DESIGN.md's Identity contract names:
 * the same trial, organization, site or person always gets the same id, so a re-import updates in place and two
 * trials of one sponsor point to one Organization.
 */
public final class ResourceIds {
  /** FHIR R4 id: [A-Za-z0-9\-\.]{1,64}. */
  static final int MAX_LENGTH = 64;

  private static final int HASH_CHARS = 8;
  /** One digest a thread: looking the algorithm up among the providers cost more than hashing a name. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  });
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");

  private ResourceIds() {}

  /** ResearchStudy: the registry id itself ({@code NCT07066982}). */
  public static String researchStudy(String registryId) {
    return requireId(registryId);
  }

  /** The protocol PlanDefinition: {@code NCT07066982-protocol}. */
  public static String protocol(String registryId) {
    return requireId(registryId) + "-protocol";
  }

  /** The eligibility Group: {@code NCT07066982-eligibility}. */
  public static String eligibility(String registryId) {
    return requireId(registryId) + "-eligibility";
  }

  /**
   * An ActivityDefinition of a trial's protocol from a name or slug of what it defines:
   * ("NCT07066982", "cyclophosphamide") → {@code NCT07066982-cyclophosphamide}.
   */
  public static String activity(String registryId, String part) {
    return id(requireId(registryId) + "-", requireText(part, "activity name"));
  }

  /**
   * A computable name (FHIR {@code name}: a letter, then letters, digits and "_") for a resource with this id:
   * {@code NCT07066982-cyclophosphamide} → {@code NCT07066982_cyclophosphamide}.
   */
  public static String name(String id) {
    String name = joinedRuns(requireText(id, "id"), true, '_');
    if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
      name = "X_" + name;
    }
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** An Organization from its name: "Essen Biotech" → {@code org-essen-biotech}. */
  public static String organization(String name) {
    return id("org-", requireText(name, "organization name"));
  }

  /**
   * A Location from the facility and where it is; parts the registry does not state are left out, but at least
   * one must be there: ("District One Hospital", "Beijing", "China") → {@code loc-district-one-hospital-beijing-china}.
   */
  public static String location(String facility, String city, String country) {
    String joined = Stream.of(facility, city, country)
        .filter(part -> part != null && !part.isBlank())
        .collect(Collectors.joining(" "));
    return id("loc-", requireText(joined, "site facility, city or country"));
  }

  /**
   * A Practitioner from the name as the registry writes it, degrees and titles left out so that "Yu Zhang, PhD"
   * and "Yu Zhang" are one person: {@code prac-yu-zhang}.
   */
  public static String practitioner(String name) {
    String bare = PartyMapper.PersonName.parse(requireText(name, "investigator name")).name();
    return id("prac-", bare.isBlank() ? name : bare);
  }

  /**
   * The normalised form of a name: lower case, accents stripped, every run of other characters folded to one
   * "-". Letters with no ASCII form (CJK, Cyrillic) cannot be kept, so {@link #id} adds a hash when any were lost.
   */
  static String slug(String text) {
    return dashed(fold(text));
  }

  private static String dashed(String folded) {
    return joinedRuns(folded, false, '-');
  }

  /**
   * The runs of ASCII digits and lower-case letters (and upper-case ones when {@code upperToo}) joined by {@code
   * separator}: what replacing every other run by the separator and trimming it from both ends gives, in one pass
   * without a regex (every resource id and name goes through here).
   */
  private static String joinedRuns(String text, boolean upperToo, char separator) {
    StringBuilder out = new StringBuilder(text.length());
    boolean gap = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || upperToo && c >= 'A' && c <= 'Z') {
        if (gap && out.length() > 0) {
          out.append(separator);
        }
        gap = false;
        out.append(c);
      } else {
        gap = true;
      }
    }
    return out.toString();
  }

  private static String id(String prefix, String name) {
    String folded = fold(name);
    String slug = dashed(folded);
    boolean lostLetters = folded.codePoints()
        .anyMatch(c -> c >= 128 && Character.isLetterOrDigit(c));
    String candidate = prefix + slug;
    if (!lostLetters && !slug.isEmpty() && candidate.length() <= MAX_LENGTH) {
      return candidate;
    }
    // The hash is of the whole name (normalised when nothing was lost), so truncated ids stay distinct and stable.
    String hash = hash(lostLetters || slug.isEmpty() ? Normalizer.normalize(name.strip(), Normalizer.Form.NFC) : slug);
    int room = MAX_LENGTH - prefix.length() - 1 - HASH_CHARS;
    String head = EDGE_DASHES.matcher(slug.substring(0, Math.min(room, slug.length()))).replaceAll("");
    return head.isEmpty() ? prefix + hash : prefix + head + "-" + hash;
  }

  private static String fold(String text) {
    if (isAscii(text)) {
      return text.toLowerCase(Locale.ROOT); // nothing below changes ASCII text, and most names are ASCII
    }
    String lower = text.toLowerCase(Locale.ROOT)
        .replace("ß", "ss").replace("æ", "ae").replace("œ", "oe").replace("ø", "o")
        .replace("ł", "l").replace("đ", "d").replace("ð", "d").replace("þ", "th").replace("ı", "i");
    return MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD)).replaceAll("");
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  private static String hash(String text) {
    byte[] digest = SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    // HASH_CHARS hex digits are the first HASH_CHARS / 2 bytes.
    return HexFormat.of().formatHex(digest, 0, HASH_CHARS / 2);
  }

  private static String requireId(String registryId) {
    Objects.requireNonNull(registryId, "registry id");
    if (!isRegistryId(registryId)) {
      throw new IllegalArgumentException("not usable as a FHIR id: " + registryId);
    }
    return registryId;
  }

  /** Whether the id is 1 to 50 of [A-Za-z0-9-.]: every resource of a trial derives its id from it. */
  private static boolean isRegistryId(String id) {
    return hasIdCharacters(id, 50);
  }

  /** Whether the text is 1 to {@code maxLength} characters of FHIR's id alphabet, [A-Za-z0-9-.]. */
  public static boolean hasIdCharacters(String id, int maxLength) {
    if (id.isEmpty() || id.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static String requireText(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no " + what + " to derive an id from");
    }
    return text;
  }
}
