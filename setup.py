"""Standard nbdev 2 setup.py: every setting lives in settings.ini; edit there, not here."""
from configparser import ConfigParser
import re, setuptools, shlex

config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

expected = 'version description keywords author author_email lib_name user branch license status min_python audience language'.split()
for o in expected: assert o in cfg, f"missing expected setting: {o}"

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.9 3.10 3.11 3.12 3.13'.split()
lic = licenses[cfg['license']]
min_python = cfg['min_python']

def reqs(key): return shlex.split(cfg.get(key, ''))

def readme_for_pypi() -> str:
    "README.md with its relative image links made absolute: PyPI's page has no repository to resolve them against."
    raw = cfg['git_url'].replace('https://github.com/', 'https://raw.githubusercontent.com/') + '/' + cfg.get('branch', 'main')
    return re.sub(r'(!\[[^\]]*\]\()(?!https?://)([^)]+)\)', lambda m: f"{m[1]}{raw}/{m[2]})", open('README.md', encoding='utf-8').read())

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    keywords=cfg['keywords'].split(),
    author=cfg['author'], author_email=cfg['author_email'],
    license=lic[0],
    classifiers=['Development Status :: ' + statuses[int(cfg['status']) - 1],   # status = 3 is '3 - Alpha'
                 *['Intended Audience :: ' + a for a in cfg.get('audiences', cfg['audience']).split()],
                 'Natural Language :: ' + cfg['language'].title(),
                 'License :: ' + lic[1]] +
                ['Programming Language :: Python :: ' + v for v in py_versions[py_versions.index(min_python):]],
    url=cfg['git_url'],
    project_urls={'Source': cfg['git_url'], 'Documentation': f"https://{cfg['user']}.github.io/{cfg['repo']}",
                  'Issues': cfg['git_url'] + '/issues'},
    packages=setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    install_requires=reqs('requirements'),
    extras_require={'dev': reqs('dev_requirements') + reqs('ray_requirements'),   # the tests run a study on a local Ray
                    'notebooks': reqs('notebook_requirements') + reqs('notebook_app_requirements'),   # Run All in JupyterLab
                    'minilm': reqs('minilm_requirements'),
                    'ray': reqs('ray_requirements'),
                    'bench': reqs('bench_requirements') + reqs('minilm_requirements')},
    python_requires='>=' + min_python,
    long_description=readme_for_pypi(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(), 'nbdev': [f"{cfg['lib_name']}={cfg['lib_name']}._modidx:d"]},
)
