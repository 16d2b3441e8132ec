package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;

/**
 * Writes the narrative of an eligibility Group: age range, sex and healthy volunteers, the inclusion and exclusion
 * criteria as nested lists with their labels, and the computable limits read from them as a table.
 */
final class EligibilityNarrative {
  /** UCUM time units an age is stated in, as words. */
  private static final Map<String, String> AGE_UNITS = Map.of("a", "years", "mo", "months", "wk", "weeks", "d", "days");

  private EligibilityNarrative() {}

  static void group(Group group, XhtmlBuilder out) {
    Xhtml.heading(out, group.hasName() ? group.getName() : group.getIdElement().getIdPart());
    List<GroupCharacteristicComponent> inclusion = new ArrayList<>();
    List<GroupCharacteristicComponent> exclusion = new ArrayList<>();
    List<GroupCharacteristicComponent> limits = new ArrayList<>();
    GroupCharacteristicComponent age = null;
    GroupCharacteristicComponent sex = null;
    GroupCharacteristicComponent volunteers = null;
    for (GroupCharacteristicComponent characteristic : group.getCharacteristic()) {
      String kind = criterionKind(characteristic);
      if ("inclusion-criterion".equals(kind)) {
        inclusion.add(characteristic);
      } else if ("exclusion-criterion".equals(kind)) {
        exclusion.add(characteristic);
      } else if ("age".equals(characteristic.getId())) {
        age = characteristic;
      } else if ("sex".equals(characteristic.getId())) {
        sex = characteristic;
      } else if ("healthy-volunteers".equals(characteristic.getId())) {
        volunteers = characteristic;
      } else if (characteristic.hasExtension(EligibilityMapper.SOURCE_CRITERION)) {
        limits.add(characteristic);
      }
    }
    Xhtml.Facts facts = new Xhtml.Facts()
        .add("Age", age == null ? "not limited" : age(age))
        .add("Sex", sex == null || !sex.hasValueCodeableConcept() ? "all"
            : Xhtml.concept(sex.getValueCodeableConcept()));
    if (volunteers != null && volunteers.hasValueBooleanType()) {
      facts.add("Accepts healthy volunteers", volunteers.getValueBooleanType().booleanValue() ? "yes" : "no");
    }
    facts.writeTo(out);
    criteria(out, "Inclusion criteria", inclusion);
    criteria(out, "Exclusion criteria", exclusion);
    if (!limits.isEmpty()) {
      Xhtml.heading(out, "Computable limits read from the criteria");
      Xhtml.table(out, "Criterion", "Analyte", "Limit", "Relative to", "Condition");
      for (GroupCharacteristicComponent limit : limits) {
        Xhtml.row(out, string(limit, EligibilityMapper.SOURCE_CRITERION), Xhtml.coded(limit.getCode()),
            limitValue(limit), relative(limit), string(limit, EligibilityMapper.THRESHOLD_CONDITION));
      }
      Xhtml.endTable(out);
    }
  }

  private static String criterionKind(GroupCharacteristicComponent characteristic) {
    for (Coding coding : characteristic.getCode().getCoding()) {
      if (EligibilityMapper.CHARACTERISTIC_SYSTEM.equals(coding.getSystem())) {
        return coding.getCode();
      }
    }
    return null;
  }

  /** "16 years or older", "18–75 years", "up to 70 years", with the criterion it was read from, if any. */
  private static String age(GroupCharacteristicComponent age) {
    if (!age.hasValueRange()) {
      return null;
    }
    Range range = age.getValueRange();
    Quantity low = range.getLow();
    Quantity high = range.getHigh();
    String text;
    if (low.hasValue() && high.hasValue()) {
      text = Xhtml.number(low.getValue()) + "–" + Xhtml.number(high.getValue()) + " " + ageUnit(high);
    } else if (low.hasValue()) {
      text = Xhtml.number(low.getValue()) + " " + ageUnit(low) + " or older";
    } else {
      text = "up to " + Xhtml.number(high.getValue()) + " " + ageUnit(high);
    }
    String source = string(age, EligibilityMapper.SOURCE_CRITERION);
    return source == null ? text : text + " (from criterion " + source + ")";
  }

  private static String ageUnit(Quantity quantity) {
    return AGE_UNITS.getOrDefault(quantity.getCode(), Xhtml.unit(quantity));
  }

  /** A criterion's line in the nested list, with the sub-list its sub-criteria go in (null until one comes). */
  private static final class Item {
    final String text;
    List<Item> sublist;

    Item(String text) {
      this.text = text;
    }
  }

  /**
   * The criteria as a list nested the way the ids nest them ({@code inc-4.8.1} under {@code inc-4.8}), each item
   * its label and text. A criterion goes under the last one seen with its parent's id, so the nesting is found before
   * the list is written.
   */
  private static void criteria(XhtmlBuilder out, String heading, List<GroupCharacteristicComponent> criteria) {
    if (criteria.isEmpty()) {
      return;
    }
    Xhtml.heading(out, heading);
    List<Item> top = new ArrayList<>();
    Map<String, Item> items = new HashMap<>();
    Map<String, List<Item>> sublists = new HashMap<>();
    for (GroupCharacteristicComponent criterion : criteria) {
      String id = criterion.getId();
      String parentId = id == null || id.lastIndexOf('.') < 0 ? null : id.substring(0, id.lastIndexOf('.'));
      List<Item> list = top;
      if (parentId != null && items.containsKey(parentId)) {
        list = sublists.computeIfAbsent(parentId, p -> items.get(p).sublist = new ArrayList<>());
      }
      String label = string(criterion, EligibilityMapper.CRITERION_LABEL);
      String text = criterion.hasValueCodeableConcept() ? Xhtml.concept(criterion.getValueCodeableConcept()) : null;
      Item item = new Item((label == null ? "" : label + " ") + (text == null ? "" : text));
      list.add(item);
      if (id != null) {
        items.put(id, item);
      }
    }
    write(out, top);
  }

  private static void write(XhtmlBuilder out, List<Item> list) {
    out.open("ul");
    for (Item item : list) {
      out.open("li").text(item.text);
      if (item.sublist != null) {
        write(out, item.sublist);
      }
      out.close();
    }
    out.close();
  }

  private static String limitValue(GroupCharacteristicComponent limit) {
    if (limit.hasValueQuantity()) {
      return Xhtml.quantity(limit.getValueQuantity());
    }
    if (limit.hasValueRange()) {
      return Xhtml.range(limit.getValueRange());
    }
    return null;
  }

  private static String relative(GroupCharacteristicComponent limit) {
    String code = string(limit, EligibilityMapper.RELATIVE_TO_NORMAL);
    if (code == null) {
      return null;
    }
    return "upper".equals(code) ? "ULN (upper limit of normal)" : code + " limit of normal";
  }

  private static String string(GroupCharacteristicComponent characteristic, String url) {
    Extension extension = extension(characteristic, url);
    return extension == null || !extension.hasValue() ? null : extension.getValue().primitiveValue();
  }

  /**
   * What {@code BackboneElement.getExtensionByUrl} gives — the one extension (or modifier extension) with this URL,
   * null when none, an IllegalArgumentException when several — without the list and checks it makes on every call:
   * each criterion's row looks up three to five.
   */
  private static Extension extension(GroupCharacteristicComponent characteristic, String url) {
    Extension found = null;
    int matches = 0;
    for (Extension next : characteristic.getExtension()) {
      if (url.equals(next.getUrl())) {
        found = found == null ? next : found;
        matches++;
      }
    }
    for (Extension next : characteristic.getModifierExtension()) {
      if (url.equals(next.getUrl())) {
        found = found == null ? next : found;
        matches++;
      }
    }
    if (matches > 1) {
      throw new IllegalArgumentException("Url " + url + " must have only one match");
    }
    return found;
  }
}
