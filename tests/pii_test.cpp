#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "triage/pii.h"

using namespace triage;

TEST_CASE("pii: SNILS-like numbers are masked, last two digits kept") {
  CHECK(mask_free_text("СНИЛС 123-456-789 01 проверен") == "СНИЛС ***-***-*** 01 проверен");
  CHECK(mask_free_text("снилс 12345678901") == "снилс *********01");
  CHECK(mask_free_text("123 456 789 01") == "*** *** *** 01");
}

TEST_CASE("pii: phone-like numbers in many spellings are masked") {
  CHECK(mask_free_text("тел. +7 (999) 123-45-67") == "тел. +* (***) ***-**-67");
  CHECK(mask_free_text("8-999-123-45-67") == "*-***-***-**-67");
  CHECK(mask_free_text("89991234567,") == "*********67,");
  CHECK(mask_free_text("9991234567") == "********67");
  CHECK(mask_free_text("+7\xc2\xa0" "999\xc2\xa0" "123\xe2\x80\x93" "45\xe2\x80\x93" "67") ==
        "+*\xc2\xa0***\xc2\xa0***\xe2\x80\x93**\xe2\x80\x93" "67");
}

TEST_CASE("pii: passport-like numbers are masked") {
  CHECK(mask_free_text("паспорт 45 10 123456") == "паспорт ** ** ****56");
  CHECK(mask_free_text("4510 123456") == "**** ****56");
}

TEST_CASE("pii: short numbers, dates and counts stay readable") {
  CHECK(mask_free_text("звонил 3 раза, код 123456, 12.05.2024") == "звонил 3 раза, код 123456, 12.05.2024");
  CHECK(mask_free_text("заявка № 987654321") == "заявка № 987654321");  // 9 digits
  CHECK(mask_free_text("") == "");
  CHECK(mask_free_text("текст без цифр") == "текст без цифр");
}

TEST_CASE("pii: two numbers in one note are both masked") {
  CHECK(mask_free_text("СНИЛС 11223344595, тел 89991234567") == "СНИЛС *********95, тел *********67");
  // Separated only by letters: each is judged on its own digits.
  CHECK(mask_free_text("a12345b67890") == "a12345b67890");
}

TEST_CASE("pii: key material keeps digits only and the kind") {
  CHECK(key_material("phone", "+7 (999) 123-45-67") == "phone:79991234567");
  CHECK(key_material("snils", "112-233-445 95") == "snils:11223344595");
}

TEST_CASE("pii: HMAC-SHA256 matches RFC 4231 test case 2") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/triage-pii-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

}  // namespace

TEST_CASE("pii: the installation secret is created once, 0600, and reused") {
  std::string dir = temp_dir();
  std::string path = dir + "/secret";
  auto a = load_or_create_secret(path);
  REQUIRE(a.has_value());
  CHECK(a->size() == 32);
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto b = load_or_create_secret(path);
  REQUIRE(b.has_value());
  CHECK(*a == *b);
  auto other = load_or_create_secret(dir + "/secret2");
  REQUIRE(other.has_value());
  CHECK(*other != *a);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("pii: a damaged secret file is refused, not replaced") {
  std::string dir = temp_dir();
  std::string path = dir + "/secret";
  std::ofstream(path) << "not a secret\n";
  auto s = load_or_create_secret(path);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.status().code() == "bad-secret");
  CHECK(s.status().message() == "the secret file " + path +
                                    " is damaged or was not written by triage; caller hashes cannot be computed");
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  CHECK(line == "not a secret");
  std::system(("rm -rf " + dir).c_str());
}
