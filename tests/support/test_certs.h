#ifndef RUNG_TESTS_SUPPORT_TEST_CERTS_H_
#define RUNG_TESTS_SUPPORT_TEST_CERTS_H_

// Certificates made at test time with the openssl command line: a CA, a
// server certificate for 127.0.0.1 and localhost, a client certificate, all
// signed by the CA, and a second, unrelated CA with its own client
// certificate. PEM files in a temp dir, gone with the object.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "rung/config/v1/config.pb.h"
#include "support/temp_dir.h"

namespace rung::test_support {

class TestCerts {
 public:
  TestCerts() {
    ok_ = MakeCa("ca") &&
          MakeLeaf("server", "ca", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost") &&
          MakeLeaf("client", "ca", "rung-test-client", "") && MakeCa("other_ca") &&
          MakeLeaf("stranger", "other_ca", "rung-test-stranger", "");
  }

  // False when openssl failed; tests ASSERT it first.
  bool ok() const { return ok_; }

  // "<name>.pem" and "<name>.key" for ca, server, client, other_ca, stranger.
  std::string Cert(const std::string& name) const { return dir_.File(name + ".pem"); }
  std::string Key(const std::string& name) const { return dir_.File(name + ".key"); }
  // The daemon's TLS section for these certificates: the server's own and,
  // with `client_ca`, the CA that client certificates must chain to (mTLS).
  void SetServerTls(bool client_ca, config::v1::Config* config) const {
    config->mutable_tls()->set_cert_file(Cert("server"));
    config->mutable_tls()->set_key_file(Key("server"));
    if (client_ca) config->mutable_tls()->set_client_ca_file(Cert("ca"));
  }

  std::string Pem(const std::string& file) const {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  static constexpr char kNewKey[] =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2";

  bool Run(const std::string& command) const {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }

  bool MakeCa(const std::string& name) const {
    return Run(std::string(kNewKey) + " -keyout " + Key(name) + " -out " + Cert(name) +
               " -subj /CN=" + name);
  }

  bool MakeLeaf(const std::string& name, const std::string& ca, const std::string& common_name,
                const std::string& extension) const {
    std::string command = std::string(kNewKey) + " -keyout " + Key(name) + " -out " + Cert(name) +
                          " -subj /CN=" + common_name + " -CA " + Cert(ca) + " -CAkey " + Key(ca) +
                          " -addext basicConstraints=critical,CA:FALSE";
    if (!extension.empty()) command += " -addext " + extension;
    return Run(command);
  }

  TempDir dir_;
  bool ok_ = false;
};

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_TEST_CERTS_H_
