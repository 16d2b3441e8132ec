package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeDeclaredChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition.ChildTypeEnum;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildContainedResources;
import ca.uhn.fhir.context.RuntimeChildDeclaredExtensionDefinition;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBase;

/**
 * What {@link LeanJsonEncoder} writes for each element class, worked out once per JVM from HAPI's runtime definitions:
 * the children in the order HAPI's {@code JsonParser} visits them ({@code getChildrenAndExtension}, without the id,
 * which is written first), where the extensions go, which children are arrays, and for each child and value class the
 * member name (a choice's {@code valueQuantity}) and kind HAPI picks ({@code BaseParser.getChildNameAndDef}).
 */
final class EncodePlans {
  /** What a child is to the walk. */
  enum Kind {
    /** The extension and modifierExtension children, written together where the first of them stands. */
    EXTENSIONS,
    /** A resource's contained resources. */
    CONTAINED,
    /** Any other child: its values. */
    VALUES
  }

  /** A composite element class's children, in writing order. */
  record Composite(List<Child> children) {}

  /**
   * A value's member name (also as written, quoted with its colon) and kind, for values of one class; and for a
   * composite, that class's plan, kept here once looked up.
   */
  static final class Target {
    private final Class<?> valueClass;
    private final String name;
    private final byte[] quotedName;
    private final ChildTypeEnum type;
    private volatile Composite plan;

    Target(Class<?> valueClass, String name, byte[] quotedName, ChildTypeEnum type) {
      this.valueClass = valueClass;
      this.name = name;
      this.quotedName = quotedName;
      this.type = type;
    }

    Class<?> valueClass() {
      return valueClass;
    }

    String name() {
      return name;
    }

    byte[] quotedName() {
      return quotedName;
    }

    ChildTypeEnum type() {
      return type;
    }

    /** The plan of the value class (a composite one), from {@code plans} the first time. */
    Composite plan(EncodePlans plans) {
      Composite known = plan;
      if (known == null) {
        known = plans.of(valueClass.asSubclass(IBase.class));
        plan = known;
      }
      return known;
    }
  }

  /** One child of a composite: its HAPI definition and, per value class met, the target. */
  static final class Child {
    private final Kind kind;
    private final BaseRuntimeChildDefinition definition;
    private final BaseRuntimeChildDefinition.IAccessor accessor;
    private final boolean multiple;
    private final FhirContext ctx;
    private final Map<Class<?>, Target> targets = new ConcurrentHashMap<>();
    /** The last target used: nearly every child holds values of one class, and a map look-up per value costs 7%. */
    private volatile Target last;
    /**
     * The field HAPI's accessor reads, when it reads one field and nothing else (its plain and list field accessors);
     * else null. Read here directly, a child's value comes without the list HAPI wraps a single value in (a third of
     * the walk's samples were the list calls at that line).
     */
    private final Field field;
    /** Whether {@link #field} holds one value (else a list of them). */
    private final boolean oneValue;

    Child(Kind kind, BaseRuntimeChildDefinition definition, FhirContext ctx) {
      this.kind = kind;
      this.definition = definition;
      this.accessor = definition == null ? null : definition.getAccessor();
      this.ctx = ctx;
      BaseRuntimeChildDefinition replaced = definition == null ? null : definition.getReplacedParentDefinition();
      // HAPI opens an array for a repeating child, or one that replaces a repeating one of a parent type.
      this.multiple = definition != null
          && (definition.isMultipleCardinality() || (replaced != null && replaced.isMultipleCardinality()));
      String accessorClass = accessor == null ? "" : accessor.getClass().getName();
      boolean plain = accessorClass.equals(PLAIN_ACCESSOR);
      // HAPI's accessor reads the field by reflection, so it is accessible already (trySetAccessible says so).
      this.field = definition instanceof BaseRuntimeDeclaredChildDefinition declared
          && (plain || accessorClass.equals(LIST_ACCESSOR)) && declared.getField().trySetAccessible()
          ? declared.getField() : null;
      this.oneValue = plain;
    }

    /**
     * Whether {@link #value} gives the child's value: it holds at most one, in a field read directly, written as a
     * member (not as an array, as a child replacing a repeating one of its parent type is).
     */
    boolean readsOneValue() {
      return field != null && oneValue && !multiple;
    }

    /** The child's one value in an element, or null (see {@link #readsOneValue}). */
    IBase value(IBase element) {
      return (IBase) read(element);
    }

    Kind kind() {
      return kind;
    }

    /** The child's values in an element (HAPI's accessor: the field, read by reflection). */
    @SuppressWarnings("unchecked")
    List<? extends IBase> values(IBase element) {
      if (field == null) {
        return accessor.getValues(element);
      }
      if (oneValue) {
        IBase value = value(element);
        return value == null ? List.of() : List.of(value);
      }
      List<? extends IBase> values = (List<? extends IBase>) read(element);
      return values == null ? List.of() : values;
    }

    private Object read(IBase element) {
      try {
        return field.get(element);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("HAPI's accessor reads " + field + " too", e);
      }
    }

    boolean multiple() {
      return multiple;
    }

    Target target(Class<? extends IBase> valueClass) {
      Target target = last;
      if (target != null && target.valueClass() == valueClass) {
        return target;
      }
      target = targets.computeIfAbsent(valueClass, c -> resolve(definition, valueClass, ctx));
      last = target;
      return target;
    }
  }

  /** HAPI's accessors that read one field and nothing else: a single value, or a list of values. */
  private static final String PLAIN_ACCESSOR = BaseRuntimeDeclaredChildDefinition.class.getName() + "$FieldPlainAccessor";
  private static final String LIST_ACCESSOR = BaseRuntimeDeclaredChildDefinition.class.getName() + "$FieldListAccessor";

  private final FhirContext ctx;
  private final Map<Class<?>, Composite> composites = new ConcurrentHashMap<>();
  private final Map<Class<?>, Target> extensionValues = new ConcurrentHashMap<>();
  /**
   * The last extension value target used: most extensions hold values of a few classes in runs, and the map look-up
   * per extension was 0.4% of the import worker's samples (as {@link Child#target}).
   */
  private volatile Target lastExtensionValue;

  EncodePlans(FhirContext ctx) {
    this.ctx = ctx;
  }

  /** The plan of a composite element or resource class. */
  Composite of(Class<? extends IBase> type) {
    Composite plan = composites.get(type);
    if (plan == null) {
      plan = composites.computeIfAbsent(type, c -> build(type));
    }
    return plan;
  }

  /** The member name and kind of an extension's value ({@code valueString}, {@code valueCodeableConcept}, ...). */
  Target extensionValue(Class<? extends IBase> valueClass) {
    Target target = lastExtensionValue;
    if (target != null && target.valueClass() == valueClass) {
      return target;
    }
    target = extensionValues.get(valueClass);
    if (target == null) {
      target = extensionValues.computeIfAbsent(valueClass, c -> {
        BaseRuntimeChildDefinition extension = ctx.getRuntimeChildUndeclaredExtensionDefinition();
        String name = extension.getChildNameByDatatype(valueClass);
        BaseRuntimeElementDefinition<?> definition = extension.getChildElementDefinitionByDatatype(valueClass);
        // HAPI makes up a name when it has none, and fails without a definition: left to it.
        return name == null || definition == null ? null : target(valueClass, name, definition);
      });
    }
    if (target == null) {
      throw new LeanJsonEncoder.Unsupported("extension value class " + valueClass.getName());
    }
    lastExtensionValue = target;
    return target;
  }

  private Composite build(Class<? extends IBase> type) {
    BaseRuntimeElementDefinition<?> element = ctx.getElementDefinition(type);
    if (!(element instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
      throw new LeanJsonEncoder.Unsupported("not a composite: " + type.getName());
    }
    if (!composite.getExtensions().isEmpty()) {
      throw new LeanJsonEncoder.Unsupported("declared extensions on " + type.getName());
    }
    List<Child> children = new ArrayList<>();
    boolean extensions = false;
    for (BaseRuntimeChildDefinition child : composite.getChildrenAndExtension()) {
      String name = child.getElementName();
      if (name.equals("id")) {
        continue;
      }
      if (name.equals("extension") || name.equals("modifierExtension")
          || child instanceof RuntimeChildDeclaredExtensionDefinition) {
        if (!extensions) {
          children.add(new Child(Kind.EXTENSIONS, null, ctx));
          extensions = true;
        }
      } else if (child instanceof RuntimeChildContainedResources) {
        children.add(new Child(Kind.CONTAINED, child, ctx));
      } else {
        children.add(new Child(Kind.VALUES, child, ctx));
      }
    }
    return new Composite(List.copyOf(children));
  }

  /**
   * The name and kind HAPI gives a value of a child ({@code BaseParser.getChildNameAndDef}): by the value's class, or
   * for an R4 enumeration by the code type's; anything HAPI finds only by climbing superclasses is left to it. A
   * failure to resolve is thrown on every use (a null is not cached by computeIfAbsent).
   */
  private static Target resolve(BaseRuntimeChildDefinition child, Class<? extends IBase> type, FhirContext ctx) {
    String name = child.getChildNameByDatatype(type);
    BaseRuntimeElementDefinition<?> definition = child.getChildElementDefinitionByDatatype(type);
    if (definition == null) {
      BaseRuntimeElementDefinition<?> element = ctx.getElementDefinition(type);
      if (element != null && element.getName().equals("code")) {
        Class<? extends IBase> code = ctx.getElementDefinition("code").getImplementingClass();
        definition = child.getChildElementDefinitionByDatatype(code);
        name = child.getChildNameByDatatype(code);
      }
    }
    if (definition == null || name == null) {
      throw new LeanJsonEncoder.Unsupported(child.getElementName() + " with value class " + type.getName());
    }
    return target(type, name, definition);
  }

  private static Target target(Class<?> type, String name, BaseRuntimeElementDefinition<?> definition) {
    return new Target(type, name, Utf8JsonOut.quotedName(name), definition.getChildType());
  }
}
