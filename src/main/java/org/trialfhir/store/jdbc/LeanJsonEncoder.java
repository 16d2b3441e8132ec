package org.trialfhir.store.jdbc;

import static org.apache.commons.lang3.StringUtils.isBlank;
import static org.apache.commons.lang3.StringUtils.isNotBlank;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition.ChildTypeEnum;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.api.AddProfileTagEnum;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseBooleanDatatype;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseDecimalDatatype;
import org.hl7.fhir.instance.model.api.IBaseIntegerDatatype;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.BackboneElement;
import org.hl7.fhir.r4.model.BackboneType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * An R4 resource into the compact JSON HAPI's {@code JsonParser} writes for it through {@link CanonicalJsonWriter}, the
 * same bytes for a third of the CPU, or nothing when the resource has a shape it does not write with certainty (then
 * {@link ResourceCodec} takes HAPI's path). HAPI's walk asks every element whether it is empty before writing it (a
 * walk of its subtree at every level), looks each child's values up by reflection, copies the meta and builds path and
 * extension bookkeeping for options the store never sets; this walk follows the same runtime definitions ({@link
 * EncodePlans}) in the same order, writes an element before knowing whether it has content and takes it back when it
 * had none.
 *
 * <p>Left to HAPI (see {@link Unsupported}): contained resources, resources inside resources, bundles, references
 * holding a resource or pointing inside the resource, primitives with an id or extensions (HAPI's {@code _name}
 * members), extensions with both or neither of a value and nested extensions, ids with extensions, meta tags without
 * code and system, versioned resource ids, declared extensions, unpaired surrogates, custom resource types, and a
 * context with a narrative generator or profile tags added on every encoding.
 */
final class LeanJsonEncoder {
  /**
   * The JSON of a resource and the decimals in exponent form it wrote in plain form (each time it wrote one: a decimal
   * element held twice is listed twice), for the codec to give them their plain form.
   */
  record Result(byte[] json, List<IBaseDecimalDatatype> plained) {
    int plainedDecimals() {
      return plained.size();
    }
  }

  /** A shape this encoder leaves to HAPI; cheap to throw (no stack), as it may end any resource's walk. */
  static final class Unsupported extends RuntimeException {
    Unsupported(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final byte[] RESOURCE_TYPE = Utf8JsonOut.quotedName("resourceType");
  private static final byte[] ID = Utf8JsonOut.quotedName("id");
  private static final byte[] URL = Utf8JsonOut.quotedName("url");
  private static final byte[] EXTENSION = Utf8JsonOut.quotedName("extension");
  private static final byte[] MODIFIER_EXTENSION = Utf8JsonOut.quotedName("modifierExtension");

  /** One output buffer per thread, kept between resources: growing a fresh one per resource was 4% of the encoding. */
  private static final ThreadLocal<Utf8JsonOut> OUT = ThreadLocal.withInitial(() -> new Utf8JsonOut(32 * 1024));

  private final FhirContext ctx;
  private final EncodePlans plans;
  /** HAPI refuses to encode a resource of another FHIR version than its context's; only R4 ones are written here. */
  private final boolean r4;

  LeanJsonEncoder(FhirContext ctx) {
    this.ctx = ctx;
    this.r4 = ctx.getVersion().getVersion() == FhirVersionEnum.R4;
    this.plans = new EncodePlans(ctx);
  }

  /** The resource's JSON, or null when it is left to HAPI. Plain-forms exponent decimals when asked (see codec). */
  Result encode(Resource resource, boolean plainDecimals) {
    try {
      return encodeOrThrow(resource, plainDecimals);
    } catch (Unsupported | Utf8JsonOut.UnpairedSurrogate e) {
      return null;
    }
  }

  /** {@link #encode}, throwing what it leaves to HAPI (for tests that want to know why). */
  Result encodeOrThrow(Resource resource, boolean plainDecimals) {
    if (!r4 || ctx.getNarrativeGenerator() != null || ctx.getAddProfileTagWhenEncoding() == AddProfileTagEnum.ALWAYS) {
      throw new Unsupported("context settings");
    }
    if (!(resource instanceof DomainResource domain) || resource instanceof IBaseBundle) {
      throw new Unsupported("not a domain resource");
    }
    if (!domain.getContained().isEmpty()) {
      throw new Unsupported("contained resources");
    }
    RuntimeResourceDefinition definition = ctx.getResourceDefinition(resource);
    if (!definition.isStandardType()) {
      throw new Unsupported("custom resource type");
    }
    Utf8JsonOut out = OUT.get();
    out.reset();
    Walk walk = new Walk(out, domain, plainDecimals);
    walk.resource(definition.getName());
    return new Result(out.toByteArray(), walk.plained == null ? List.of() : walk.plained);
  }

  /** One resource's walk: the output and what the codec wants to know afterwards. */
  private final class Walk {
    private final Utf8JsonOut out;
    private final DomainResource resource;
    private final boolean plainDecimals;
    private List<IBaseDecimalDatatype> plained;
    private boolean metaTouched;

    Walk(Utf8JsonOut out, DomainResource resource, boolean plainDecimals) {
      this.out = out;
      this.resource = resource;
      this.plainDecimals = plainDecimals;
    }

    void resource(String type) {
      out.beginObject();
      out.name(RESOURCE_TYPE);
      out.string(type);
      IdType id = resource.getIdElement();
      String idPart = id.getIdPart();
      if (isNotBlank(idPart) && !id.getValue().startsWith("urn:")) {
        // HAPI writes "_id" for an id with extensions or comments, and a version into meta.versionId.
        if (!id.getExtension().isEmpty() || id.hasFormatComment() || id.hasVersionIdPart()) {
          throw new Unsupported("resource id with extensions, comments or a version");
        }
        out.name(ID);
        out.string(idPart);
      } else if (id.hasVersionIdPart()) {
        throw new Unsupported("versioned id without id part");
      }
      members(resource, plans.of(resource.getClass()));
      out.endObject();
    }

    /** The members of a resource or element (its "id" first, as HAPI writes it); whether it wrote any. */
    private boolean members(IBase element, EncodePlans.Composite plan) {
      long start = out.mark();
      if (element instanceof Element e) {
        String elementId = e.getId();
        if (isNotBlank(elementId)) {
          out.name(ID);
          out.string(elementId);
        }
      }
      for (EncodePlans.Child child : plan.children()) {
        switch (child.kind()) {
          case EXTENSIONS -> extensions(element);
          case CONTAINED -> {
            // Resources with contained ones never get here (encode), and an empty list writes nothing.
          }
          case VALUES -> values(element, child);
        }
      }
      return out.wroteSince(start);
    }

    private void values(IBase element, EncodePlans.Child child) {
      if (child.readsOneValue()) {
        // Most children: one value or none, read without a list around it.
        IBase value = child.value(element);
        if (value != null) {
          single(value, child);
        }
        return;
      }
      List<? extends IBase> values = child.values(element);
      if (values.isEmpty()) {
        return;
      }
      if (!child.multiple()) {
        if (values.size() > 1) {
          throw new Unsupported("several values in a single element");
        }
        IBase value = values.get(0);
        if (value != null) {
          single(value, child);
        }
        return;
      }
      EncodePlans.Target opened = null;
      for (IBase value : values) {
        if (value == null) {
          continue;
        }
        EncodePlans.Target target = child.target(value.getClass());
        if (opened == null) {
          long mark = out.mark();
          out.beginArray(target.quotedName());
          if (value(value, target)) {
            opened = target;
          } else {
            out.rewind(mark);
          }
        } else if (!opened.name().equals(target.name())) {
          // HAPI closes the array and opens one under the new name; no R4 repeating element is a choice.
          throw new Unsupported("repeating choice of several types");
        } else {
          value(value, target);
        }
      }
      if (opened != null) {
        out.endArray();
      }
    }

    /** A child's one value as a member, taken back when it has no content. */
    private void single(IBase value, EncodePlans.Child child) {
      EncodePlans.Target target = child.target(value.getClass());
      long mark = out.mark();
      out.name(target.quotedName());
      if (!value(value, target)) {
        out.rewind(mark);
      }
    }

    /** Writes one value (its name, if any, is written); whether it had content. */
    private boolean value(IBase value, EncodePlans.Target target) {
      switch (target.type()) {
        case PRIMITIVE_DATATYPE:
          return primitive((IPrimitiveType<?>) value);
        case ID_DATATYPE:
          return idValue((IdType) value, target);
        case COMPOSITE_DATATYPE:
        case RESOURCE_BLOCK:
          return composite(value, target);
        case PRIMITIVE_XHTML:
        case PRIMITIVE_XHTML_HL7ORG:
          if (value.isEmpty()) {
            return false;
          }
          String xhtml = ((IPrimitiveType<?>) value).getValueAsString();
          if (xhtml == null) {
            throw new Unsupported("narrative without text");
          }
          out.string(xhtml);
          return true;
        default:
          throw new Unsupported("child type " + target.type() + " for " + target.name());
      }
    }

    private boolean composite(IBase value, EncodePlans.Target target) {
      if (value instanceof Reference reference) {
        checkReference(reference);
      } else if (value instanceof Meta meta) {
        checkMeta(meta);
      }
      long mark = out.mark();
      out.beginObject();
      if (!members(value, target.plan(plans))) {
        out.rewind(mark);
        if (!value.isEmpty()) {
          // HAPI would write {} for an element that is not empty yet has nothing it writes.
          throw new Unsupported("non-empty element without written content");
        }
        return false;
      }
      out.endObject();
      return true;
    }

    private boolean primitive(IPrimitiveType<?> value) {
      if (value instanceof Element e && (e.getId() != null || e.hasExtension())) {
        throw new Unsupported("primitive with an id or extensions");
      }
      String text = value.getValueAsString();
      if (isBlank(text)) {
        return false;
      }
      Object raw = value.getValue();
      if (raw instanceof String) {
        out.string(text);
      } else if (raw instanceof Long number) {
        out.number(number);
      } else if (value instanceof IBaseIntegerDatatype integer) {
        Integer number = integer.getValue();
        if (number == null) {
          throw new Unsupported("integer without value");
        }
        out.number(number);
      } else if (value instanceof IBaseDecimalDatatype decimal) {
        decimal(decimal, text);
      } else if (value instanceof IBaseBooleanDatatype bool) {
        Boolean truth = bool.getValue();
        if (truth == null) {
          throw new Unsupported("boolean without value");
        }
        out.bool(truth);
      } else {
        out.string(text);
      }
      return true;
    }

    /**
     * An id-typed element other than a resource's id (PlanDefinition's relatedAction.actionId): HAPI writes its whole
     * value as a string, and drops its id and extensions (those are left to it).
     */
    private boolean idValue(IdType value, EncodePlans.Target target) {
      if (value.getId() != null || value.hasExtension() || target.name().equals("id")) {
        throw new Unsupported("id-typed element with an id or extensions, or named id");
      }
      String text = value.getValue();
      if (isBlank(text)) {
        return false;
      }
      out.string(text);
      return true;
    }

    /** As {@link CanonicalJsonWriter#write(BigDecimal)}: the element's text, or its plain form when asked. */
    private void decimal(IBaseDecimalDatatype decimal, String text) {
      BigDecimal number = decimal.getValue();
      if (number == null) {
        throw new Unsupported("decimal without value");
      }
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) >= 128) {
          throw new Unsupported("decimal text not ASCII");
        }
      }
      if (plainDecimals && (text.indexOf('E') >= 0 || text.indexOf('e') >= 0)) {
        if (plained == null) {
          plained = new ArrayList<>(4);
        }
        plained.add(decimal);
        out.raw(number.toPlainString());
      } else {
        out.raw(text);
      }
    }

    /** Extensions and modifier extensions, where HAPI writes both: at the first of the two children. */
    private void extensions(IBase element) {
      List<Extension> extensions = null;
      List<Extension> modifiers = null;
      // Not hasExtension(): it skips empty extensions, and HAPI writes one whose nested list holds only empty ones.
      if (element instanceof Element e) {
        extensions = e.getExtension();
        if (e instanceof BackboneElement b && b.hasModifierExtension()) {
          modifiers = b.getModifierExtension();
        } else if (e instanceof BackboneType b && b.hasModifierExtension()) {
          modifiers = b.getModifierExtension();
        }
      } else if (element instanceof DomainResource r) {
        extensions = r.getExtension();
        modifiers = r.hasModifierExtension() ? r.getModifierExtension() : null;
      }
      if (extensions != null) {
        boolean opened = false;
        for (Extension extension : extensions) {
          // HAPI's filter for extensions (not for modifier ones): no value and no nested extension.
          if (extension == null) {
            continue;
          }
          boolean noValue = isEmpty(extension.getValue());
          if (noValue && extension.getExtension().isEmpty()) {
            continue;
          }
          if (!opened) {
            out.beginArray(EXTENSION);
            opened = true;
          }
          extension(extension, noValue);
        }
        if (opened) {
          out.endArray();
        }
      }
      if (modifiers != null) {
        boolean opened = false;
        for (Extension extension : modifiers) {
          if (extension == null || extension.isEmpty()) {
            continue;
          }
          if (!opened) {
            out.beginArray(MODIFIER_EXTENSION);
            opened = true;
          }
          extension(extension, isEmpty(extension.getValue()));
        }
        if (opened) {
          out.endArray();
        }
      }
    }

    /** One extension, as HAPI writes an undeclared one; {@code noValue} is whether its value is absent or empty. */
    private void extension(Extension extension, boolean noValue) {
      out.beginObject();
      String elementId = extension.getId();
      if (isNotBlank(elementId)) {
        out.name(ID);
        out.string(elementId);
      }
      String url = extension.getUrl();
      if (isBlank(url)) {
        throw new Unsupported("extension without url");
      }
      out.name(URL);
      out.string(url);
      IBase value = extension.getValue();
      List<Extension> nested = extension.getExtension();
      if (noValue == nested.isEmpty()) {
        // HAPI's error handler is told of both cases; its output for them is left to it.
        throw new Unsupported("extension with both or neither of value and extensions");
      }
      if (!nested.isEmpty()) {
        out.beginArray(EXTENSION);
        for (Extension next : nested) {
          if (next == null) {
            throw new Unsupported("null nested extension");
          }
          extension(next, isEmpty(next.getValue()));
        }
        out.endArray();
      } else {
        if (value instanceof Meta) {
          throw new Unsupported("meta as an extension value");
        }
        EncodePlans.Target target = plans.extensionValue(value.getClass());
        long mark = out.mark();
        out.name(target.quotedName());
        if (!value(value, target)) {
          out.rewind(mark);
          throw new Unsupported("extension value without written content");
        }
      }
      out.endObject();
    }

    /**
     * HAPI rewrites a reference that holds a resource, and reports a local one it cannot resolve; those are left to
     * it. Its check of whether to strip versions reads the resource's meta through {@code getMeta()}, which creates an
     * empty one: done here too, so the stored copy is the same object graph.
     */
    private void checkReference(Reference reference) {
      if (reference.getResource() != null) {
        throw new Unsupported("reference holding a resource");
      }
      String text = reference.getReference();
      if (text != null && text.startsWith("#")) {
        throw new Unsupported("local reference");
      }
      if (!metaTouched && isNotBlank(reference.getReferenceElement().getIdPart())) {
        resource.getMeta();
        metaTouched = true;
      }
    }

    /** HAPI encodes a copy of the meta without tags or security labels that have neither code nor system. */
    private void checkMeta(Meta meta) {
      for (List<Coding> codings : List.of(meta.getTag(), meta.getSecurity())) {
        for (Coding coding : codings) {
          if (isBlank(coding.getCode()) && isBlank(coding.getSystem())) {
            throw new Unsupported("meta coding without code and system");
          }
        }
      }
    }

    private static boolean isEmpty(IBase value) {
      return value == null || value.isEmpty();
    }
  }
}
