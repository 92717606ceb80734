#include "triage/validators.h"

#include <doctest/doctest.h>

#include <string>

using triage::mask_personal_data;
using triage::validate_input;
using triage::ValidationResult;

namespace {

std::string ok(const std::string& validator, const std::string& value, const std::vector<std::string>& choices = {}) {
  ValidationResult r = validate_input(validator, value, choices);
  INFO(validator << ": " << value << " -> " << r.message_en);
  CHECK(r.ok);
  CHECK(r.message.empty());
  return r.normalized;
}

std::string refused(const std::string& validator, const std::string& value,
                    const std::vector<std::string>& choices = {}) {
  ValidationResult r = validate_input(validator, value, choices);
  INFO(validator << ": " << value);
  CHECK_FALSE(r.ok);
  CHECK(r.normalized.empty());
  CHECK_FALSE(r.message_en.empty());
  return r.message;
}

}  // namespace

TEST_CASE("validators: names") {
  CHECK(triage::validator_names() == std::vector<std::string>{"snils", "phone", "date", "passport", "choice", "text"});
  CHECK(triage::is_known_validator("snils"));
  CHECK_FALSE(triage::is_known_validator("snls"));
  CHECK(triage::is_personal_data("snils"));
  CHECK(triage::is_personal_data("phone"));
  CHECK(triage::is_personal_data("passport"));
  CHECK_FALSE(triage::is_personal_data("date"));
  CHECK_FALSE(triage::is_personal_data("text"));
  CHECK(refused("snls", "1") == "Неизвестный тип поля «snls».");
}

TEST_CASE("validators: snils with the official checksum") {
  CHECK(ok("snils", "112-233-445 95") == "112-233-445 95");
  CHECK(ok("snils", "11223344595") == "112-233-445 95");
  CHECK(ok("snils", "  112 233 445-95 ") == "112-233-445 95");
  CHECK(ok("snils", "123-456-789 64") == "123-456-789 64");  // sum 165 > 101: 165 mod 101 = 64
  CHECK(ok("snils", "050-234-316 00") == "050-234-316 00");  // sum 100 -> 00
  CHECK(ok("snils", "016-103-396 00") == "016-103-396 00");  // sum 101 -> 00
  CHECK(ok("snils", "820-981-233 00") == "820-981-233 00");  // sum 201 mod 101 = 100 -> 00
  CHECK(ok("snils", "999-999-999 01") == "999-999-999 01");  // 405 mod 101 = 1
  // Numbers up to 001-001-998 predate the checksum: any control digits pass.
  CHECK(ok("snils", "001-001-998 12") == "001-001-998 12");
  CHECK(ok("snils", "000-000-001 77") == "000-000-001 77");
  // ... but 001-001-999 is checked.
  CHECK(ok("snils", "001-001-999 65") == "001-001-999 65");
  CHECK(refused("snils", "001-001-999 12") == "Контрольная сумма СНИЛС не сходится — проверьте цифры.");

  CHECK(refused("snils", "112-233-445 96") == "Контрольная сумма СНИЛС не сходится — проверьте цифры.");
  CHECK(refused("snils", "123-456-789 65") == "Контрольная сумма СНИЛС не сходится — проверьте цифры.");
  CHECK(validate_input("snils", "112-233-445 96").message_en == "The SNILS checksum does not match: check the digits.");
  CHECK(refused("snils", "112-233-445 9") == "СНИЛС — это 11 цифр, например 112-233-445 95.");
  CHECK(refused("snils", "112-233-445 955") == "СНИЛС — это 11 цифр, например 112-233-445 95.");
  CHECK(refused("snils", "112/233/445 95") == "СНИЛС — это 11 цифр, например 112-233-445 95.");
  CHECK(refused("snils", "") == "СНИЛС — это 11 цифр, например 112-233-445 95.");
  CHECK(refused("snils", "abc") == "СНИЛС — это 11 цифр, например 112-233-445 95.");
}

TEST_CASE("validators: russian phone numbers") {
  CHECK(ok("phone", "+7 (999) 123-45-67") == "+79991234567");
  CHECK(ok("phone", "89991234567") == "+79991234567");
  CHECK(ok("phone", "8 800 100-70-10") == "+78001007010");
  CHECK(ok("phone", " +79991234567 ") == "+79991234567");
  const std::string msg = "Номер телефона: +7 или 8 и ещё 10 цифр, например +7 999 123-45-67.";
  CHECK(refused("phone", "79991234567") == msg);    // no + and not 8
  CHECK(refused("phone", "+89991234567") == msg);
  CHECK(refused("phone", "+7999123456") == msg);    // 9 digits
  CHECK(refused("phone", "+799912345678") == msg);  // 11 digits
  CHECK(refused("phone", "+7 999 123 45 6x") == msg);
  CHECK(refused("phone", "+7+9991234567") == msg);
  CHECK(refused("phone", "") == msg);
}

TEST_CASE("validators: dates are real calendar dates") {
  CHECK(ok("date", "05.03.1980") == "1980-03-05");
  CHECK(ok("date", "1980-03-05") == "1980-03-05");
  CHECK(ok("date", "29.02.2000") == "2000-02-29");  // divisible by 400
  CHECK(ok("date", "2024-02-29") == "2024-02-29");
  CHECK(ok("date", "01.01.1900") == "1900-01-01");
  CHECK(ok("date", "31.12.2100") == "2100-12-31");
  const std::string no_date = "Такой даты нет в календаре — проверьте день и месяц.";
  CHECK(refused("date", "29.02.1900") == no_date);  // divisible by 100, not 400
  CHECK(refused("date", "2023-02-29") == no_date);
  CHECK(refused("date", "31.04.2020") == no_date);
  CHECK(refused("date", "00.01.2020") == no_date);
  CHECK(refused("date", "01.13.2020") == no_date);
  CHECK(refused("date", "31.12.1899") == "Год должен быть от 1900 до 2100.");
  CHECK(refused("date", "2101-01-01") == "Год должен быть от 1900 до 2100.");
  const std::string shape = "Дата: ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 05.03.1980.";
  CHECK(refused("date", "5.3.1980") == shape);
  CHECK(refused("date", "1980/03/05") == shape);
  CHECK(refused("date", "05.03.80") == shape);
  CHECK(refused("date", "0a.03.1980") == shape);
  CHECK(refused("date", "") == shape);
}

TEST_CASE("validators: passport") {
  CHECK(ok("passport", "1234 567890") == "1234 567890");
  CHECK(ok("passport", "12 34 567890") == "1234 567890");
  CHECK(ok("passport", "1234567890") == "1234 567890");
  const std::string msg = "Паспорт: серия 4 цифры и номер 6 цифр, например 1234 567890.";
  CHECK(refused("passport", "1234 56789") == msg);
  CHECK(refused("passport", "1234 5678901") == msg);
  CHECK(refused("passport", "12З4 567890") == msg);  // Cyrillic Зэ instead of 3
}

TEST_CASE("validators: choice is case-insensitive, folds ё and returns the choice as written") {
  std::vector<std::string> choices = {"Сбербанк", "Тинькофф", "Почта Банк", "Ещё"};
  CHECK(ok("choice", "сбербанк", choices) == "Сбербанк");
  CHECK(ok("choice", "  ПОЧТА банк ", choices) == "Почта Банк");
  CHECK(ok("choice", "еще", choices) == "Ещё");
  CHECK(ok("choice", "ЕЩЁ", choices) == "Ещё");
  CHECK(refused("choice", "ВТБ", choices) == "Выберите один из вариантов: Сбербанк, Тинькофф, Почта Банк, Ещё.");
  CHECK(validate_input("choice", "ВТБ", choices).message_en == "Pick one of: Сбербанк, Тинькофф, Почта Банк, Ещё.");
  CHECK(refused("choice", "", choices) == "Выберите один из вариантов: Сбербанк, Тинькофф, Почта Банк, Ещё.");
  CHECK(ok("choice", "yes", {"Yes", "No"}) == "Yes");
}

TEST_CASE("validators: free text") {
  CHECK(ok("text", "  Не приходит СМС  ") == "Не приходит СМС");
  CHECK(refused("text", "   ") == "Введите непустой текст.");
  CHECK(refused("text", "") == "Введите непустой текст.");
  CHECK(refused("text", "a\x1b[31mb") == "Текст содержит управляющие символы.");
  CHECK(refused("text", "abc\xe2\x80\xae" "def") == "Текст содержит управляющие символы.");  // U+202E
  CHECK(refused("text", "a\x01") == "Текст содержит управляющие символы.");
  CHECK(refused("text", "ab\xff") == "Текст содержит недопустимые байты.");
  std::string five_hundred;
  for (int i = 0; i < 500; ++i) five_hundred += "ж";
  CHECK(ok("text", five_hundred) == five_hundred);
  CHECK(refused("text", five_hundred + "ж") == "Текст длиннее 500 символов.");
}

TEST_CASE("validators: masking keeps only the last digits") {
  CHECK(mask_personal_data("snils", "112-233-445 95") == "***-***-*45 95");
  CHECK(mask_personal_data("snils", "123-456-789 64") == "***-***-*89 64");
  CHECK(mask_personal_data("phone", "+79991234567") == "+7********67");
  CHECK(mask_personal_data("passport", "1234 567890") == "** ** ***890");
  // Anything not in normalized form is hidden whole: never the clear value.
  CHECK(mask_personal_data("snils", "11223344595") == "***");
  CHECK(mask_personal_data("snils", "112-233-445 96") == "***");
  CHECK(mask_personal_data("phone", "89991234567") == "***");
  CHECK(mask_personal_data("passport", "1234567890") == "***");
  // Non-personal values are not masked.
  CHECK(mask_personal_data("date", "1980-03-05") == "1980-03-05");
}
