"""The transparent layer of the cause classifier: cue phrases, negation and language markers for 7 languages.

Every cue is a phrase written in *folded* form (lower case, Latin accents removed: ``não`` -> ``nao``,
``không`` -> ``khong``, ``đ`` -> ``d``), so one entry matches the accented spelling and the unaccented
spelling shoppers type. Phrases are matched on whole tokens; Thai (written without spaces) is matched as a
substring. A cue is *negated* when a negator of the review's language stands at most two tokens before it in
the same clause ("not broken", "tidak rusak", "não quebrou", "ไม่แตก"); a negated cue never counts as a
complaint. Cues that already contain their negator ("not working", "não funciona", "ไม่ได้รับ") are written
with it and are not negated again.

Tags are ``cause`` or ``cause/kind``: the kind tells the responsibility rules what sort of delivery or damage
complaint it is (``late``, ``lost``, ``wrong``, ``missing``, ``courier``, ``carrier``). Extra tags that are not causes:
``packing`` (words about poor packing: the seller's fault), ``praise`` (for star/text disagreement),
``invalid/...`` (reasons a review may be reportable), and the seller-reply tags ``reply/abusive`` and
``reply/coercive``.

Examples
--------
>>> from toolkit.lexicon import fold, find_cues
>>> fold("Não quebrou")
'nao quebrou'
>>> [(c.tag, c.text, c.negated) for c in find_cues("não quebrou, chegou bem", "pt")]
[('poor_quality', 'quebrou', True)]
>>> [(c.tag, c.text) for c in find_cues("brg rusak, packing cuma plastik", "id")]
[('damaged_item_or_package', 'brg rusak'), ('packing', 'packing cuma plastik')]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

LANGUAGES = ("en", "id", "ms", "pt", "es", "vi", "th", "tl")
"""The languages the classifier scores; anything else is ``unscored``."""


def _fold_table() -> dict[int, str]:
    table = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[cp] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ß"): "s", ord("’"): "'", ord("‘"): "'", ord("`"): "'"})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower-case and strip Latin accents, keeping the length (so spans map back to the original text).

    Examples
    --------
    >>> fold("Không GIỐNG ảnh")
    'khong giong anh'
    """
    folded = text.translate(_FOLD).lower()
    return folded if len(folded) == len(text) else text.translate(_FOLD)


# ---------------------------------------------------------------------------------------------------------------
# Cue phrases. One line per language: "lang: phrase | phrase | ...". Folded spelling, whole tokens.
# ---------------------------------------------------------------------------------------------------------------
_CUES: dict[str, str] = {
    "product_safety": """
en: burn | burns | burned | burnt | burning | burned my | injury | injured | injure | rash | rashes | allergic
  | allergy | allergic reaction | swell | swelled | swollen | blister | blisters | smoke | smoking | smoked | sparks
  | sparked | shock | electric shock | electrocuted | caught fire | on fire | fire hazard | explode | exploded | melted
  | overheat | overheats | overheating | dangerous | hazard | choking | choke | sharp edge | sharp edges
  | cut his finger | cut her finger | cut my finger | bleeding | hospital | poisoning | poisoned | toxic | unsafe
  | irritation | irritated | hurt my | hurts my | burning smell | smelled like burning
id: gosong | meleleh | terbakar | kebakar | kebakaran | berasap | keluar asap | asap | asep | keluar asep | kesetrum
  | nyetrum | setrum | korslet | konslet | meledak | ngembung | gembung | alergi | gatal | gatel | bentol | bentol2
  | ruam | melepuh | lecet | perih | iritasi | luka | berdarah | bahaya | berbahaya | tajam | keracunan | kepanasan
  | panas bgt | panas banget | bau gosong | bau kebakar
ms: terbakar | hangus | berasap | asap | cair | renjatan | kena renjatan | bocor arus | terkena kejutan | meletup
  | alahan | alergi | gatal | ruam | melecur | melepuh | pedih | bengkak | luka | berdarah | bahaya | merbahaya
  | tajam | bucu tajam | keracunan | panas gila | bau terbakar | hampir terbakar
pt: queimou | queimei | queimadura | queimado | cheiro de queimado | pegou fogo | pegar fogo | fogo | fumaca
  | saiu fumaca | choque | deu choque | deu um choque | explodiu | derreteu | superaqueceu | esquentou demais
  | esquentou tanto | alergia | alergica | alergico | coceira | irritacao | empolada | empolou | bolhas
  | vermelhidao | inchou | inchada | cortou | machucou | machucado | sangrou | perigoso | perigo | risco
  | engasgar | intoxicacao | toxico
es: quemo | quemaduras | quemadura | quemado | olor a quemado | se incendio | fuego | humo | echo humo | descarga
  | me dio una descarga | electrocuto | chispas | hizo chispas | exploto | se derritio | derritio | sobrecalienta
  | se calienta tanto | alergia | alergica | alergico | sarpullido | irrito | irritacion | ardor | ampollas
  | hinchazon | se hincho | se corto | me corte | corto la | herida | sangre | peligroso | peligrosa | peligro
  | toxico | intoxicacion | se los traga | atragantar
vi: bi chay | suyt chay | chay khet | khet | mui khet | boc khoi | xi khoi | khoi den | bi giat | giat dien | ro dien
  | phat no | bi no | chay nhua | qua nhiet | nong qua | di ung | ngua | man do | noi man | phong rop | rat da
  | sung vu | bi sung | bong da | chay mau | rach tay | dut tay | nguy hiem | doc hai | ngo doc
tl: napaso | nasunog | sunog | umusok | may usok | nag usok | nakuryente | kuryente | nag overheat | overheat
  | sobrang init | umiinit | nangati | namula | pantal | sugat | nasugatan | delikado | sumabog
""",
    "product_compliance": """
en: fake | fakes | counterfeit | replica | knockoff | knock off | not original | not genuine | not authentic
  | no expiry date | no expiration date | no batch code | no registration | no registration number | no ingredient list
  | no ingredients | no label | no labels | no english label | no english | only chinese | in chinese | unlicensed
  | not certified | no certification | fda approved | illegal | banned | misleading claim
id: kw | palsu | tiruan | bukan ori | ga ori | gak ori | tdk ori | tidak ori | bukan original | replika | no bpom
  | ga ada bpom | gak ada bpom | tdk ada bpom | tidak ada bpom | bpom | izin edar | label halal | halal | sni
  | tulisan mandarin | bahasa mandarin | ga ada komposisi | tgl exp nya ga ada | ga ada tgl exp | ilegal
ms: tiruan | palsu | bukan original | bukan ori | replika | x original | x ori | no notifikasi | kkm | logo halal
  | halal jakim | jakim | x de tarikh luput | tiada tarikh luput | x de label | x de hologram | tiada hologram
  | takde hologram | no siri | sirim
pt: falsificado | falsificada | falso | falsa | replica | pirata | paraguaio | paraguaia | nao e original
  | nao original | sem selo | inmetro | anvisa | sem registro | rotulo em chines | em chines | sem rotulo
  | nenhuma informacao em portugues | propaganda proibida | proibida | proibido | ilegal | sem nota
es: falsificado | falsificada | falso | falsa | replica | trucho | truchas | truchos | pirata | copia
  | no es original | sin registro | registro sanitario | sin registro sanitario | sin fecha de vencimiento
  | solo en chino | en chino | no registrado | producto no registrado | ilegal | prohibido | no se puede poner
vi: hang fake | fake | hang gia | gia mao | hang nhai | nhai | hang dom | hang rep | ban rep | khong chinh hang
  | ko chinh hang
  | khong co han su dung | ko co han su dung | khong co nhan phu | nhan phu | tem hop quy | khong co tem
  | vi pham | khong ro nguon goc | ko ro nguon goc | lua dao
tl: peke | fake | hindi orig | di orig | hindi authentic | class a | replica | walang expiry | walang label
""",
    "poor_quality": """
en: broke | broken | breaks | broke after | stopped working | not working | doesnt work | doesn't work | didnt work
  | wont turn on | won't turn on | dead | died | defective | faulty | poor quality | bad quality | low quality
  | cheap quality | flimsy | thin | see through | see-through | cheaply made | peeling | peeled | peeling off
  | fell apart
  | falls apart | ripped | tore | torn | came apart | stitching | loose thread | expired | stale | rotten | moldy
  | mouldy | spoiled | smells like chemicals | strong chemicals | battery dies | battery died | doesnt charge
  | wont charge
  | no sound | fading | faded | rusted | rust | cracked after | leaks | leaking after | malfunction | useless | junk
  | garbage quality | quality is bad | quality is poor | scratched | bad product | terrible product | poor product
  | cheap material | cheap materials | fragile | itchy | scratchy | very itchy | so itchy
id: rusak | rusak2 | cepet rusak | cepat rusak | mati | mati total | ga mau nyala | gak mau nyala | tdk mau nyala
  | ga nyala | gak nyala | tidak menyala | ga berfungsi | tdk berfungsi | tidak berfungsi | ga bisa dipake
  | gak bisa dipake | ga bisa dipakai | gak bisa dipakai | tidak bisa dipakai
  | tdk bisa dipakai | gak bisa di pakai | ga bisa di pakai | gak bisa di pake | ga bisa di pake | gabisa dipake
  | gabisa dipakai | cacat
  | jelek kualitasnya | kualitas jelek | kualitasnya jelek | kualitas buruk | murahan | tipis | nerawang | transparan
  | sobek | robek | putus | copot | lepas | jebol | bocor | patah pas dipake | patah | luntur | kadaluarsa
  | kadaluwarsa | expired | basi | apek | jamur | berjamur | cepet abis | cepat habis | cepet bgt abis | ngelupas
  | mengelupas | karatan | berkarat | bau kimia | bau menyengat | ga awet | gak awet | tidak awet | produk jelek
  | barang jelek | brg jelek | kotor | rapuh
ms: rosak | cepat rosak | mati | x hidup | tak hidup | x berfungsi | tak berfungsi | tidak berfungsi | cacat
  | kualiti teruk | kualiti rendah | murahan | nipis | nipis gila | jarang | nampak | terkoyak | koyak | putus
  | tercabut | tertanggal | tanggal | bocor | patah | luntur | expired | tarikh luput | basi | masam | berkulat
  | mengelupas | berkarat | cepat habis | bau kimia | x tahan lama | tak tahan lama | barang teruk | brg teruk
  | kotor | rapuh
pt: quebrou | quebrado | quebrada | parou de funcionar | nao funciona | n funciona | nao liga | n liga | nao carrega
  | defeito | defeituoso | defeituosa | com defeito | estragado | estragou | qualidade ruim | pessima qualidade
  | baixa qualidade | ma qualidade | qualidade pessima | qualidade inferior | material inferior | material ruim
  | fraco | fraca | fino | fina | desfiando | desfiou | descosturou | descolou | descascou
  | descascando | rasgou | rasgado | soltou | vencido | vencida | validade | mofado | mofo | estragada | podre
  | cheiro forte | descarregada | nao dura | n dura | enferrujou | ferrugem | vazando | vaza | riscado | arranhado
  | apagou | nao presta | n presta | pessimo acabamento | acabamento ruim | pessimo produto | produto pessimo
  | produto ruim | material pessimo | material ruim | produto horrivel | muito ruim | fragil | frageis | grosseiro
  | aspero | mal acabado | finas | finos | fracos | fracas | sujo | suja | sujas | sujos | lixo
  | deixa a desejar | nao parece original | parou
es: se rompio | roto | rota | dejo de funcionar | dejaron de sonar | no funciona | no prende | no enciende | no carga
  | defectuoso | defectuosa | defecto | fallas | falla | mala calidad | pesima calidad | baja calidad
  | calidad malisima | malisimo | malisima | plastico malo | finita | finito | delgada | se transparenta
  | transparente | se descosio | costuras se abrieron | se desarmo | se despego | despego | se pelo | se rasgo
  | rasgado | vencida | vencido | caducado | caducada | podrido | moho | huele fatal | olor a quimico | quimico
  | se oxido | oxidado | gotea | se descarga | no sirve | no dura | rayado | producto malo | pesimo producto
  | material malo | fragil | sucio | sucia
vi: bi hu | hu roi | la hu | da hu | hu 1 ben | bi hong | hong roi | hu hong | khong len nguon | ko len nguon
  | khong hoat dong | ko hoat dong
  | khong chay | ko chay | bi loi | chat luong kem | chat luong te | kem chat luong | hang kem | mong dinh
  | vai mong | mong qua | bi lo | rach | bung chi | bung het | duong chi | sut chi | bi gay | gay roi | dut | bong keo
  | bong troc | het han | qua han | hu thiu | bi moc | mui hoi | hoi qua | mui nhua | pin yeu | nhanh het pin
  | ri set | bi xuoc | tray xuoc | hang te | sp te | san pham te | do ban
en: low-quality | cheaply | poorly made | badly made | terrible quality | awful quality | horrible quality
  | worst quality | bad material | quality is terrible | quality sucks | falling apart | broke within
  | broke on the first | came defective | arrived defective | not durable | doesnt last | didnt last | stopped charging
  | wont work | does not work | did not work | doesnt turn on | does not turn on | very slow | laggy | keeps freezing
  | not good quality | not great quality | quality not good | quality is not good | not well made | stitching came off
  | bad stitching | seams ripped | doesnt hold | does not hold | lasted a week | lasted two days
  | break | crack | cracks | leak | scratch | scratches | scratchs | rips | tear | defects | flaws | flaw
id: kualitas rendah | kualitasnya rendah | kualitas kurang | kualitasnya kurang | kualitas ga bagus
  | kualitasnya ga bagus | kualitas tidak bagus | jahitan jelek | jahitannya jelek | jahitan berantakan
  | jahitannya berantakan | jahitan lepas | ga bisa dipakai | tidak bisa dipakai | gak bisa dipake | tdk bisa dipakai
  | baru dipake | baru sekali pakai | sekali pakai langsung | ga tahan lama | gak tahan lama | tidak tahan lama
  | bau busuk | bau plastik | bahan jelek | bahannya jelek | bahan kasar | bahannya kasar | kualitas abal | abal abal
  | error | ngelag | lemot | cepet panas | ga nyala lagi | mati sendiri
ms: kualiti x elok | kualiti tak elok | kualiti tidak elok | kualiti kurang | kualiti teruk sgt | jahitan teruk
  | jahitan tercabut | jahitan longgar | tak boleh guna | x boleh guna | x leh guna | tidak boleh digunakan
  | rosak lepas | sekali pakai | bau busuk | bau plastik | kain teruk | kain kasar | barang cikai | cikai
  | hang | tak tahan | x tahan
pt: qualidade baixa | pouca qualidade | baixissima qualidade | qualidade muito ruim | qualidade horrivel
  | qualidade duvidosa | qualidade muito inferior | nao tem boa qualidade | nao tem qualidade | sem qualidade
  | nao gostei da qualidade | n gostei da qualidade | nao gostei do material | material fraco | material fino
  | material muito fraco | veio com defeito | veio defeituoso | veio defeituosa | apresentou defeito | deu defeito
  | deu problema | nao funcionou | n funcionou | nao funciona direito | nao liga mais | quebrou com
  | quebrou na primeira
  | quebrou no primeiro | quebra facil | quebrou facil | mal feito | mal feita | acabamento pessimo
  | acabamento horrivel
  | acabamento ruim | deixou a desejar | deixa muito a desejar | esperava mais | esperava mais do produto
  | nao atendeu as expectativas | nao atendeu minhas expectativas | nao atendeu o esperado | nao atende
  | nao correspondeu as expectativas | abaixo da expectativa | muito lento | lento demais | trava | travando
  | desbotou | desbota | soltando | descolando | rasgando | esfarelou | porcaria | vagabundo | vagabunda
  | plastico fraco | som pessimo | fraquinho | fraquinha | durou pouco | nao durou | nao aguenta | n aguenta
  | nao segura | nao fecha | nao encaixa | mal costurado | costura ruim | muito fino | muito fina | qualidade nao e boa
  | defeitos | arranhao | arranhoes | riscos | vazamento | vazamentos | trincas | rachaduras | manchas
es: calidad mala | calidad pesima | muy mala calidad | no aguanta | no dura nada | se rompe | se descosio | se despega
  | no funciona bien | dejo de andar | no anda | bateria no dura | bateria dura poco | mal hecho | mal hecha
  | mal terminado | malas terminaciones | terminaciones malas | fallado | fallada | vino fallado | vino con falla
  | vino defectuoso | porqueria | berreta | se desarmo | se rompio al | se quebro | muy finito | muy delgada
  | la bateria no aguanta | tela mala | costuras malas | se desinflo | se destino | destine
  | defectos | rayones | fugas | manchas | rasgunos | se rompe | se rompio
vi: chat luong qua te | chat luong khong tot | chat luong ko tot | dung 1 lan | dung vai lan | dung duoc vai ngay
  | nhanh hu | de hu | hang loi | khong xai duoc | ko xai dc | ko xai duoc | ko dung duoc | khong dung duoc
  | duong may xau | may au | chi thua | vai xau | vai kem | chat vai kem | pin nhanh het | sac khong vao | ko sac duoc
  | mau phai | phai mau | ra mau | lag | bi dung
  | tray | xuoc | bi tray | bi xuoc
tl: sira | sira agad | nasira | nasira agad | masira | hindi gumagana | di gumagana | hindi na gumagana | ayaw gumana
  | hindi umaandar | di umaandar | hindi nag oon | di nag oon | walang kwenta | walang silbi | mahina
  | madaling masira | madali masira | manipis | mabilis malowbat | mabilis ma lowbat | fast drain | low quality
  | poor quality | defective | depektibo | may depekto | hindi nagchacharge | di nagchacharge | walang tunog
  | hindi gumana | di gumana | pangit ang quality | pangit quality | panget quality | mahinang klase
  | lowbat | malowbat | madali malowbat | madaling malowbat | madali maubos | mabilis maubos | low qua | bulok
  | sabog | sabog yung tunog | sabog ang tunog | pumutok | di tumutunog | hindi tumutunog | nagloko | nag loloko
  | ayaw magcharge | ayaw mag charge | di magamit | hindi magamit | hindi ko magamit | di gumagna | walang lamig
  | hindi malamig | mahina ang | mahina yung | hindi dumidikit | di dumidikit | natanggal agad | natanggal
  | hindi nagana | di nagana | ayaw umandar | hindi umiilaw | di umiilaw | walang ilaw | patay agad
""",
    "not_as_described": """
en: runs small | runs big | runs large | too small | too big | size chart | size chart is wrong | sizing is off
  | not as described | not as pictured | not like the picture | not like the pics | not what i ordered from the pics
  | different from the picture | different from the photo | different colour | different color | colour is different
  | color is different | not the same as | pics show | listing says | says 100 | description says
  | the description | false advertising | misleading | fake discount | fake promo | smaller than | bigger than
  | not cotton | polyester | different brand | no name | not real leather | fits like | much smaller
  | huge | was huge | its huge | so big | so large | runs so large | runs so big | runs quite large | runs very large
  | runs very small | runs so small | runs gigantic | runs huge | runs tiny | runs short | runs long | very short
  | too short | too long | too tight | too loose | too wide | shorter than | longer than | than expected
  | than i expected | than pictured | than in the picture | in the picture | in the photo | in the photos
  | better in photos | better in the photo | better online | on the model | per the images | not what i expected
  | in person | looked nothing like | looks nothing like | nothing like the
id: kekecilan | kebesaran | kecil bgt | size chart | tdk sesuai deskripsi | tidak sesuai deskripsi | ga sesuai deskripsi
  | gak sesuai deskripsi | ga sesuai foto | gak sesuai foto | tdk sesuai foto | tidak sesuai foto | ga sesuai gambar
  | tidak sesuai gambar | beda sm foto | beda sama foto | beda dengan foto | beda jauh | ga kyk di foto
  | ga seperti di foto | tidak seperti di foto | warnanya beda | di foto | di gambar | di iklan | deskripsi
  | deskripsi bahan | ternyata plastik | tipuan | promo palsu | ukurannya ga sesuai | ukuran tidak sesuai
  | ga sesuai ukuran | merk lain | merek lain | isinya cuma | ngaco
ms: saiz kecik | kecik sgt | saiz kecil | besar sgt | size chart | saiz chart | x sama dgn gambar
  | tak sama dengan gambar
  | x sama gambar | tidak sama seperti gambar | x sama mcm gambar | lain dari gambar | dlm gambar | gambar nampak
  | dlm iklan | dalam iklan | deskripsi | ukuran dlm deskripsi | jenama lain | brand lain | x ikut deskripsi
  | tak ikut deskripsi | tipu | warna lain
pt: veste pequeno | veste mt pequeno | veste muito pequeno | veste grande | tabela de medidas | tabela de tamanho
  | tabela | diferente da foto | diferente do anuncio | diferente do anunciado | diferente da descricao
  | nao e o que | nada a ver com a foto | nas fotos | na foto | no anuncio | na descricao | no anuncio diz
  | propaganda enganosa | enganosa | nao corresponde | nao condiz | cor diferente | tamanho diferente
  | promocao falsa | outra marca | marca diferente
es: talla muy chica | muy chica | muy chico | talla chica | talla grande | muy grande | tabla de medidas
  | tabla de tallas | la tabla | distinto a la foto | diferente a la foto | nada que ver | nada q ver
  | no es como en la foto | en la foto | en las fotos | en la publicacion | la publicacion | dice cuero | cuerina
  | no coincide | no corresponde | enganoso | publicidad enganosa | precio antes | es inventado | otra marca
  | mas chico | mas pequeno | tamano llavero
vi: form nho | nho xiu | size nho | bang size | bang size sai | khong giong hinh | ko giong hinh | khong giong anh
  | ko giong anh | khong giong mo ta | ko giong mo ta | khac hinh | khac hoan toan | khac xa | so voi hinh
  | mau khac | hinh la | trong hinh | tren hinh | mo ta | ghi | shop ghi | quang cao | lua dao khach | sai mo ta
  | khong dung mo ta | ko dung mo ta | nhua in van go
en: not as advertised | not as shown | doesnt match the description | does not match the description
  | doesnt match the picture | doesnt look like the picture | does not look like the picture | looks nothing like
  | nothing like the picture | nothing like the photo | nothing like the pics | not what was advertised
  | not what it says | different from the description | different than the picture | different from the listing
  | smaller than advertised | smaller than expected | smaller than it looks | smaller than pictured
  | bigger than advertised | not the size | photos are misleading | pictures are misleading | looks different
  | totally different | completely different | description is wrong | false description | wrong description
  | not the same material | material is different | not leather | not real wood | not as big as
  | not as shown in the picture | the picture shows | picture shows
id: tidak sesuai | ga sesuai | gak sesuai | tdk sesuai | gk sesuai | nggak sesuai | ngga sesuai | ga sesuai iklan
  | tidak sesuai iklan | beda sama gambar | beda dgn gambar | beda sm gambar | beda dengan gambar | beda warna
  | warna beda | warnanya beda jauh | ga sama kaya foto | gak sama kayak gambar | ga sama kyk foto
  | tidak sama dengan gambar
  | ukuran lebih kecil | lebih kecil dari | bahan beda | bahannya beda | bahan tidak sesuai | bahannya ga sesuai
  | penipuan | nipu | menipu | ketipu | foto menipu | gambar menipu
ms: tak sama macam gambar | x sama mcm dlm gambar | tidak sama dengan gambar | lain dgn gambar | beza dengan gambar
  | beza dgn gambar | jauh beza | lain mcm gambar | tak sama dgn deskripsi | x sama dgn deskripsi | tak ikut gambar
  | x ikut gambar | saiz lebih kecil | lebih kecil dari | warna beza | kain lain | kena tipu | ditipu
pt: diferente do anuncio | diferente do site | diferente do que esta no site | diferente da imagem
  | diferente das fotos | diferente do mostrado | diferente do ilustrado | diferente do descrito
  | diferente da propaganda | difere da foto | difere do anuncio | difere muito | nao e o mesmo da foto
  | nao e o mesmo do anuncio | nao e igual a foto | nao e igual da foto | nao e como na foto | nao parece com a foto
  | nao parecia como na foto | nada a ver com o anuncio | nada haver | nada a ver com | nao condiz com
  | nao confere | veio diferente | bem diferente | totalmente diferente | completamente diferente | muito diferente
  | produto diferente | material diferente | tamanho menor | menor que o anunciado | menor do que o anunciado
  | menor que na foto | menor que o da foto | menor que o esperado | menor do que o esperado | bem menor
  | muito menor do que
  | maior que o anunciado | maior que na foto | capacidade real | medidas diferentes | imagem ilustrativa
  | foto ilustrativa | anuncio enganoso | enganado | enganada | descricao errada | descricao incorreta
  | informacao errada | informacoes erradas | nao e o anunciado | nao e o que foi anunciado | nao era o que
  | nao e o que mostra | pelas imagens | pela foto | pela imagem | na imagem
  | esperava que fosse | achei que fosse | achei que era | pensei que fosse | pensei que era
es: no es como la foto | no es igual a la foto | no se parece a la foto | no se parece en nada
  | diferente a lo publicado | distinto a lo publicado | diferente a la descripcion | no es lo que dice
  | no es lo que muestra | mas chico de lo | mas pequeno de lo | mas pequeno que | no es de algodon | no es de cuero
  | enganosa | no corresponde a la | otro material | material diferente | color diferente | distinto color
  | la foto muestra | en la imagen | diferente a la imagen | no es lo que se ve
vi: khong dung nhu hinh | ko dung nhu hinh | khong nhu hinh | ko nhu hinh | khong giong quang cao | ko giong quang cao
  | khac mo ta | khac voi mo ta | khac voi hinh | khac anh | khac xa hinh | nho hon hinh | nho hon so voi
  | size nho hon | nho hon nhieu | nho hon | rong hon nhieu | to hon nhieu
  | mau khac hinh | chat lieu khac | vai khac | sai chat lieu | khong giong | ko giong | k giong
  | treo dau de ban thit cho | hinh mot dang | hang mot dang
tl: hindi katulad sa picture | di katulad sa picture | hindi katulad ng picture | hindi tulad sa picture
  | malayo sa picture | iba sa picture | iba sa pic | iba sa picture | hindi kagaya ng picture
  | hindi kagaya sa picture | hindi tugma | hindi totoo | sobrang liit | ang liit | maliit | sobrang laki | ang laki
  | hindi waterproof | hindi tulad ng description | iba sa description
""",
    "out_of_stock": """
en: out of stock | sold out | no stock | not in stock | update your stock | out of the colour | cancelled bc sold out
id: stok kosong | stok habis | kehabisan | kehabisan stok | ga ada stok | gak ada stok | tdk ada stok | tidak ada stok
  | ga ready | gak ready | tdk ready | update stok | restock | kosong
ms: stok habis | habis stok | x de stok | tiada stok | takde stok | sold out | stok x de | dah habis | kehabisan stok
pt: falta de estoque | sem estoque | nao tinha estoque | n tinha estoque | esgotou | esgotado | esgotada
  | acabou o estoque | nunca tem o produto | fora de estoque | estoque
es: falta de stock | sin stock | agotado | agotada | no hay stock | no tenian stock | no le quedaba | no quedaba
  | sin existencias | no habia stock
vi: het hang | het sp | het san pham | het mau | khong con hang | ko con hang | het roi | het stock
tl: walang stock | out of stock | wala na daw stock | wala nang stock | ubos na | naubusan ng stock | no stock
""",
    "late_or_wrong_delivery/lost": """
en: lost in transit | parcel was lost | package was lost | package got lost | parcel got lost | lost package
  | lost parcel | lost by the courier | lost the package | lost my package
id: paket hilang | paketnya hilang | paket nya hilang | hilang di ekspedisi | hilang di jalan | hilang di kurir
ms: parcel hilang | bungkusan hilang | hilang dalam penghantaran
pt: extraviado | extraviada | extraviou | extravio | pacote perdido | perdido pela transportadora | perderam o pacote
es: se perdio el paquete | paquete perdido | extraviado | extraviada | perdieron el paquete
vi: that lac | lac hang | mat hang | lam mat hang
tl: nawala ang parcel | nawala yung parcel | nawala ang package | nawala yung package | lost parcel
""",
    "late_or_wrong_delivery/late": """
en: late | late delivery | delayed | delay | still waiting | still havent received | havent received
  | haven't received | not received | never received | never arrived | never came | hasnt arrived | hasn't arrived
  | didnt ship | didn't ship | didnt send | not shipped | took weeks | took a month | took forever | slow delivery
  | took almost a month | took nearly a month | took over a month | took more than a month | took a week
  | took over a week | took two weeks | took 2 weeks | took three weeks | took 3 weeks | held at customs
  | stuck in customs | stuck at customs
  | slow shipping | ships in 24h | stuck | lost | lost in transit | where is my order | not arrived | not delivered
id: telat | terlambat | lama bgt | lama banget | lambat | lelet | blm sampai | belum sampai | blm nyampe
  | belum nyampe | blm dateng | belum datang | belum dtg | blm diterima | belum diterima | ga sampe2 | ga dateng2
  | ga nyampe | gak nyampe | ga sampai | tdk sampai | tidak sampai | nyangkut | ga dikirim | belum dikirim
  | blm dikirim | tdk dikirim | baru nyampe | baru dikirim | hampir sebulan | berminggu2 | nunggu lama | stuck
  | barang tidak datang | barang ga datang | barang gak datang | tidak datang | ga datang | gak datang
  | kagak sampe | ga sampe | gak sampe | tidak sampe | barang tidak sampai | belum terima | blm terima
  | hilang | paket hilang
ms: lambat | lewat | lmbt | lama sgt | x sampai | tak sampai | blm sampai | belum sampai | x sampai pon | sangkut
  | stuck | x pos | x pos2 | belum pos | tak pos | hilang | parcel hilang | dah seminggu
pt: atrasado | atrasada | atrasou | atraso | demorou | demorada | demora | demorado | nao recebi | n recebi
  | ainda nao recebi | nao chegou | n chegou | ainda nao chegou | nunca chegou | nao foi entregue
  | nao entregue | nao entregaram | fora do prazo | passou do prazo | depois do prazo | apos o prazo | so chegou
  | parado | nao rastrear
  | extraviado | extraviou | perdido | demorou pra postar | aguardando | ate agora nada | ate agora nao chegou
  | nao entrega | nao entregou | nao recebo | nao recebemos | ainda nao foi entregue | prazo vencido | prazo esgotado
  | nao cumpriram o prazo | nao cumpriram com prazo | nao cumpriu o prazo | data prevista | prazo de entrega
  | retornou para o vendedor | devolvido ao remetente | nao enviaram | nao enviou | nao foi enviado | nao postaram
  | sem informacao de postagem | ainda nao | nunca recebi | nao recebi o produto | produto nao chegou
  | ate agora nao recebi
  | ate agora nao veio | esperando ate hoje | retido | retido na alfandega | parado na alfandega
es: atrasado | atrasada | atraso | demoro | demoraron | tardo | tardaron en llegar | no llego | no ha llegado
  | nunca llego | no me llego | no lo despacharon | no despacharon | todavia no llega | sigo esperando | parado
  | extraviado | perdido | se perdio | fuera de plazo | detenido | retenido | detenido en aduana
  | retenido en aduana
vi: giao cham | cham qua | giao hang cham | bi tre | tre hen | giao tre | lau qua | qua lau | chua nhan
  | chua nhan duoc | chua nhan dc | ko nhan duoc
  | khong nhan duoc | chua gui | chua gui hang | chua giao | mat hang | that lac | nam o kho | nam kho | bi ket
tl: matagal dumating | tagal dumating | sobrang tagal | ang tagal | antagal | late dumating | hindi pa dumadating
  | di pa dumadating | hindi pa dumarating | hindi dumating | di dumating | delayed | tagal ng delivery
  | tagal ishipped | tagal i ship
""",
    "late_or_wrong_delivery/wrong": """
en: wrong item | wrong size | wrong colour | wrong color | wrong model | wrong product | wrong address
  | sent the wrong | sent me the wrong | sent wrong | got the wrong | received the wrong | got white | got black
  | instead of | ordered black got | not what i ordered | different item | other item
id: salah kirim | dikirim salah | salah barang | salah warna | salah ukuran | salah size | salah alamat
  | ga sesuai pesanan | gak sesuai pesanan | tidak sesuai pesanan | tdk sesuai pesanan | yg dikirim
  | padahal sy pesen | padahal pesen | beda barang
  | barang salah | barangnya salah | salah pengiriman | minta putih dikasih | dikasih warna | dikasih yang
  | yg dikasih | yang dikasih beda | beda warna | warna beda | bukan yang dipesan | bukan yg dipesan
ms: salah hantar | hantar salah | salah barang | salah warna | salah saiz | salah alamat | x sama dgn order
  | lain yg sampai | dapat xs | order m dapat
pt: veio errado | veio errada | produto errado | pedido errado | cor errada | tamanho errado | endereco errado
  | mandaram errado | enviaram errado | recebi outro | veio outro | outro produto | no lugar do | ao inves
  | em vez de | pedi azul veio
  | encomenda errada | item errado | modelo errado | produto trocado | veio trocado
  | entregou outro | entregaram outro | enviaram outro | mandaram outro | recebi uma | diferente do que comprei
  | diferente do comprado | nao e o que comprei | nao era o que comprei | outra cor | outro modelo
es: equivocado | equivocada | me mandaron | mandaron otro | llego otro | me llego otro | otro producto
  | talla equivocada | color equivocado | otra direccion | direccion equivocada | en vez de | pedi talla
vi: giao sai | sai hang | giao nham | nham hang | sai mau | sai size | nham dia chi | sai dia chi | giao mau
  | dat mau | giao op
tl: mali ang | mali yung | mali ung | maling item | maling kulay | maling size | iba ang kulay | iba yung kulay
  | ibang kulay | ibang item | iba ang dumating | iba yung dumating | hindi yung inorder | hindi ito ang inorder
  | di yung inorder | hindi ung inorder | hindi yung order ko | iba ang pinadala | iba pinadala
  | mali | mali po | mali pinadala | mali ang pinadala | mali yung binigay | mali binigay | mali ang binigay
  | mali size | mali kulay | mali ang size | iba yong dineliver | iba ang binigay | iba binigay | iba nman yung dumating
  | iba naman yung dumating | hindi ito yung inorder | hindi yun inorder | di ito yung inorder | hindi ko inorder
  | hindi yung kulay | di yung kulay | hindi nasunod | di nasunod | pinalitan ang kulay | ibang variation
""",
    "late_or_wrong_delivery/missing": """
en: missing | only got | only received | only 2 | only one | partial | incomplete | not in the box | wasnt in the box
  | one missing | third one missing | part missing
  | only half | half the order | only one arrived | only received one | part of my order
id: kurang 1 | kurang satu | yg dtg cuma | yg dateng cuma | cuma dtg | cuma 2 | ga lengkap | gak lengkap | tdk lengkap
  | tidak lengkap | ga ada charger | satu nya kmn | hilang satu
  | tidak ada tutupnya | ga ada tutupnya | gak ada tutupnya | barang kurang | kurang banyak | tdk ada talinya
  | tidak ada talinya | ga dapet | gak dapet | tidak dapat | ada yang kurang | isinya kurang | kurang isinya
ms: x de charger | tak lengkap | x lengkap | kurang satu | kurang 1 | hilang | cuma dapat | dpt satu je
pt: faltou | faltando | falta | faltaram | veio 1 so | veio so | veio apenas | vieram apenas | so recebi | so veio
  | incompleto | incompleta | nao veio | n veio | entrega parcial | nao recebi o restante | pedido pendente
  | entrega pendente
  | pela metade | metade do pedido | apenas um | apenas uma | so um | so uma | somente um | somente uma
  | entregue apenas | entregaram apenas | recebi apenas | recebi so | so chegou um | so chegou uma | chegou apenas
es: faltan | falta | faltaba | faltaron | incompleto | incompleta | solo llego | solo llegaron | llegaron 10
  | no venia | no vino
vi: thieu | giao thieu | thieu hang | thieu mon | ko du | khong du | khong co sac | ko co sac
tl: kulang | kulang ang | kulang yung | kulang ng | isa lang dumating | isa lang ang dumating | walang kasama
  | hindi kasama | di kasama | wala yung | incomplete
  | kulang kulang | kulang2 | walang kasamang | wala kasama | wala pong kasama | walang stick | walang charger
  | walang cable | walang usb | hindi kumpleto | di kumpleto | kulang ang items | kulang yung items
""",
    "late_or_wrong_delivery/courier": """
en: courier | driver | delivery guy | marked as delivered | says delivered | app says delivered
  | left at the door | thrown | rude courier
id: kurir | kurirnya | kurir nya | abang kurir | status terkirim | dalam pengiriman | ekspedisi
ms: kurier | kurir | abg kurier | posmen | status delivered
pt: entregador | transportadora | correios | correio | marcou como entregue | consta entregue | retirar no correio
  | transporte
es: repartidor | correo | paqueteria | dice entregado | marcado como entregado
vi: shipper | shiper | don vi van chuyen | van chuyen | bao da giao | ghi da giao | giao hang nhanh | ghn | ghtk
tl: rider | ang rider | yung rider | courier | j&t | jnt | flash express
""",
    "damaged_item_or_package": """
en: arrived broken | came broken | arrived damaged | came damaged | damaged | arrived cracked | came cracked | cracked
  | shattered | smashed | crushed | dented | badly dented | chip | chipped | leaked | leaked all over | spilled
  | box damaged | box was damaged | torn package | package torn | broken in the box | out of the box | arrived shattered
  | glass everywhere | dent | dents | bent
  | stain | stains | stained | dirty | a hole | holes in | hole in | with holes | several holes | had holes | has holes
  | with a hole | had a hole | has a hole | small hole | tiny hole | snag | snags | snagged | pulled threads
  | been worn | already worn | clearly worn | worn before | previously worn | clearly used | already used
  | used item | second hand | secondhand | makeup on | deodorant marks | broken when i received | came with holes
  | arrived ripped | came ripped | arrived torn | came torn
id: pecah | retak | penyok | penyok2 | remuk | hancur | bocor pas nyampe | tumpah | sobek paketnya | paket sobek
  | kardus penyok | dus penyok | rusak pas nyampe | brg rusak | barang rusak | dtg rusak | dateng rusak | sampe rusak
  | nyampe rusak | patah pas dibuka | retak pas dibuka | pecah pas nyampe
ms: pecah | retak | kemek | kemek2 | remuk | hancur | tumpah | parcel koyak | kotak hancur | kotak kemek | sampai rosak
  | rosak masa sampai | patah masa sampai | retak seribu
pt: chegou quebrado | chegou quebrada | veio quebrado | veio quebrada | quebrado na caixa | trincado | trincada
  | rachado | rachada | amassado | amassada | caixa amassada | toda amassada | detonada | vazou | vazado
  | derramou | avariado | avarias | danificado | danificada | pacote rasgado | embalagem rasgada | chegou rasgado
  | torta | torto | estilhacado | estourado
es: llego roto | llego rota | vino roto | vino rota | roto al abrir | rota al abrir | abollado | abollada | aplastado
  | aplastada | destrozada | destrozado | derramo | se derramo | goteando | quebrada | quebrado | rajado | rajada
  | paquete abierto | caja rota | danado | danada | astillado
vi: bi vo | vo het | vo roi | vo nat | be nat | bi be | bi nut | nut | mop | mop meo | bi mop | bi meo | bi bep
  | goi hang bi rach | hop rach | ri ra | chay nuoc | hong khi nhan | gay tay | mo hinh gay | nat bet | hop nat
  | vo 1 | vo 2 | vo 3 | bi vo | nut vo | bi nut vo
tl: basag | basag na | nabasag | dumating na sira | dumating na basag | dumating ng sira | yupi | yupi na | lupi
  | gasgas | may gasgas | may crack | durog | natapon | tumagas | sira ang box | sira yung box | punit ang box
  | may lamat
""",
    "damaged_item_or_package/carrier": """
en: courier threw | thrown by the courier | dropped by the courier | courier dropped | courier broke
id: dibanting | dibanting kurir | kurir banting | dilempar kurir | dilempar
ms: dicampak | kurier campak | dibaling
pt: jogaram a caixa | transportadora danificou | danificado no transporte | quebrou no transporte
es: el repartidor lo tiro | lo tiraron | se rompio en el envio | danado en el envio
vi: shipper nem | nem hang | quang hang | vo trong qua trinh van chuyen
tl: hinagis ng rider | binato ng rider | hinagis | ibinato
""",
    "late_chat_response": """
en: forever to respond | forever to reply | forever to answer | slow to respond | slow to reply
  | no reply | no response | no answer | never replied | never replies | hasnt replied | hasn't replied | didnt reply
  | didn't reply | didnt answer | hasnt answered | havent answered | doesnt reply | doesn't reply | not replying
  | doesnt answer | nobody answers | no one answers | zero replies | zero reply | zero response | no replies
  | ignored my | ignoring | ghost | ghosted | took 5 days to answer
  | took days to answer | slow to reply | slow reply | slow response | only auto replies | auto reply | auto replies
  | left on read | read my msg | days and counting
id: ga dibales | gak dibales | ga dibalas | gak dibalas | tdk dibalas | tidak dibalas | blm dibales | belum dibales
  | belum dibalas | blm dibalas | ga dibales2 | ga pernah dibales | ga ada jawaban | tdk ada jawaban | ga direspon
  | gak direspon | tdk direspon | slow respon | slow respons | lama balesnya | lama bales | baru dibales | dibaca doang
  | cuma dibaca | di read doang | ghosting | auto reply | auto reply doang | admin nya kmn | admin kemana
  | chat ga dibales
ms: x balas | tak balas | x berbalas | tak berbalas | x reply | tak reply | x berjawab | tak berjawab | baru reply
  | lambat reply | lambat balas | senyap | auto reply | admin pegi mana | x pernah reply | tak pernah reply
  | x respon | bluetick
pt: nada de resposta | sem resposta | ninguem responde | ninguem respondeu | nao responde | n responde | nao respondeu
  | nao respondem | n respondem | nunca responde | demoraram pra responder | demorou pra responder
  | demora pra responder
  | resposta automatica | visualiza e nao responde | visualiza e n responde | cade o atendimento | ignoraram | ignorou
  | vendedor some | sem retorno | nao retornou | nao deu retorno | nenhum retorno
es: nadie responde | nadie contesta | no responde | no contesta | no contestan | no responden | no contestaron
  | no respondieron | tardaron en contestar | tardo en contestar | tardaron en responder | respuestas automaticas
  | respuesta automatica | en visto | me deja en visto | no contesto | nunca contesto | no respondio
  | nunca respondio | jamas contesto | jamas respondio | nadie atiende | y nada | ni contestaron | sin respuesta
vi: ko rep | khong rep | chua rep | ko tra loi | khong tra loi | chua tra loi | ko ai tra loi | seen ko rep
  | chi seen | moi rep | rep cham | tra loi cham | cham rep | im luon | im lang | tin nhan tu dong | admin dau
  | ko phan hoi
  | khong phan hoi
tl: hindi nagrereply | di nagrereply | hindi nag rereply | hindi nag reply | di nag reply | hindi sumasagot
  | di sumasagot | walang reply | walang sagot | seen lang | seenzone | hindi responsive | not responsive
  | tagal mag reply | ang tagal mag reply
""",
    "inappropriate_review_handling": """
en: change my review | change my 2 star review | change the review | delete my review | delete the review
  | remove my review | remove the review | edit my review | change to 5 stars | change it to 5 stars
  | offered $5 if | if i delete | begging me | begged me | threatened | threaten | threatening | calling me stupid
  | called me stupid | called me | says im lying | replied calling me | public reply | harass | harassing
  | kept messaging me | messaged me like
id: ganti review | ubah review | hapus review | review nya dihapus | review dihapus | review diubah | ganti bintang
  | ubah bintang | ubah rating | ganti rating | hapus ulasan | ubah ulasan | jd bintang 5 | jadi bintang 5
  | nyuruh ganti | minta review diubah | ditawarin | diancam | ngancam | mengancam | maksa | dipaksa | seller bales
  | bales review | ngatain | dikatain | miskin | goblok | bodoh
ms: ubah rating | tukar review | tukar rating | delete review | padam review | buang review | suruh ubah | suruh delete
  | ugut | kena ugut | saman | nak saman | merayu2 | merayu | paksa | seller balas review | balas review
  | cakap sy bodoh | bodoh | beli murah nak lebih2
pt: mudar a avaliacao | mudar minha avaliacao | mudar pra 5 estrelas | mudar para 5 estrelas | apagar a avaliacao
  | tirar a avaliacao | alterar a avaliacao | alterar a nota | mudar a nota | implorou | ameacou | ameaca | processar
  | me chamando de | me chamou de | burra | burro | respondeu minha avaliacao | ficou mandando
es: cambie mi resena | cambiar mi resena | cambiar la resena | borrara la resena | borrar la resena | borrar mi resena
  | cambiar la calificacion | pusiera 5 estrellas | me amenazaron | amenazo | denunciarme | me rogaron
  | me contesto la resena
  | diciendome ignorante | ignorante | tonta | tonto
vi: sua danh gia | xoa danh gia | xoa review | sua review | doi danh gia | sua sao | sua lai | thanh 5 sao
  | chuyen khoan 20k | doa kien | bi doa | doa | nan ni | chui | chui minh | rep danh gia chui | bat xoa
tl: bastos | bastos ang seller | walang modo | sinigawan | minura | pinagmumura | ang sungit | masungit
""",
    "other/buyer": """
en: my fault | my mistake | my own fault | ordered the wrong size myself | i ordered the wrong | my bad
  | didnt read the description | didnt check the size
id: salah sy | salah saya | kesalahan saya | salah pilih | sy salah pesen | salah klik | bukan salah seller
ms: salah sy | salah saya | tersalah | tersalah klik | bukan salah seller
pt: culpa minha | erro meu | errei | eu errei | selecionei o produto errado | comprei errado | pedi errado
es: culpa mia | me equivoque yo | me equivoque | error mio | culpa mia x no leer
vi: loi cua minh | tai minh | minh dat nham | dat nham | ko phai loi shop | khong phai loi shop
""",
    "other": """
en: my fault | my mistake | my own fault | ordered the wrong size myself | i ordered the wrong | not flattering
  | doesnt suit me | doesn't suit me | not my style | not my thing | isnt my thing | dont like the smell | dont like
  | don't like | too sweet for me | too spicy for me | for me personally | personally | overpriced | too expensive
  | expensive | cheaper at another shop | found it cheaper | not worth it | not worth the price | regret | impulse buy
  | dont really need | don't need | didnt need | thought it would be bigger | changed my mind
  | unflattering | so unflattering | very unflattering | not very flattering | not a flattering | wasnt flattering
  | isnt flattering | not flattering on me | didnt work for me | didnt work on me | did not work for me
  | did not work on me | just didnt work | doesnt work on me | doesnt work for me | not for me | not on me
  | poor design | odd design | weird design | strange design | looked like a tent | look like a tent
  | like a maternity | looked like maternity | made me look | makes me look | not my color | not my colour
  | wrong for my body | my body type | not for my body | not for curvy | if youre curvy
id: salah sy | salah saya | kesalahan saya | bukan salah seller | bukan salah brg | bukan salah barang
  | ga cocok di badan
  | ga cocok sm kulit | ga cocok | gak cocok | tdk cocok | ga suka | gak suka | tdk suka | tidak suka | kemahalan
  | mahal | kemahalan buat | ga worth it | gak worth it | ga worth | toko sebelah lebih murah | lebih murah
  | nyesel beli | nyesel | menyesal | ga butuh | gak butuh | impulsif | keliatan gendut
ms: salah sy | salah saya | bukan salah seller | bukan salah brg | tersalah | x sesuai dgn badan | x suka | tak suka
  | mahal sgt | mahal | x berbaloi | tak berbaloi | lg murah | lebih murah | menyesal | x perlu | tak perlu
  | nampak gemuk | kurang sedap | x pedas
pt: culpa minha | erro meu | errei | eu errei | nao ficou bem | n ficou bem | nao valoriza | n valoriza | nao gostei do
  | n gostei do | nao gostei | n gostei | pro meu gosto | gosto pessoal | muito caro | caro | mais barato
  | arrependida | arrependido | por impulso | nem preciso | nao combinou | n combinou | nao vale | n vale
  | selecionei o produto errado | comprei errado
es: culpa mia | me equivoque yo | me equivoque | error mio | no me favorece | me queda raro | no me gusta
  | no es de mi agrado | de mi agrado | pa mi | para mi gusto | muy caro | caro | mas barato | me arrepiento
  | por impulso | no lo necesitaba | pense q era | pense que era | no vale la pena
vi: loi cua minh | tai minh | minh dat nham | ko phai loi shop | khong phai loi shop | ko hop dang | khong hop
  | ko hop | ko hop da | khong thich | ko thich | hoi mac | dat qua | gia hoi mac | ko dang tien | khong dang tien
  | re hon | ko can | khong can | xem live | nhin map | nhin bi tai
""",
    "unspecified": """
en: bad | meh | terrible | awful | horrible | worst | disappointed | disappointing | 1 star | one star | nope
id: jelek | buruk | kecewa | b aja | biasa aja | bintang 1 | zonk | ah sudahlah | parah
ms: teruk | hampeh | kecewa | haih | hmm | bintang 1 | x best | tak best
pt: ruim | pessimo | pessima | horrivel | decepcionada | decepcionado | decepcao | aff | nota 1 | 1 estrela
es: malo | mala | pesimo | pesima | horrible | decepcionado | decepcionada | 1 estrella | una estrella
vi: chan | that vong | qua te | te qua | haizz | 1 sao | do te
id: ga bagus | gak bagus | tidak bagus | tdk bagus | kurang bagus | ga recommended | ga rekomen | jelek bgt
ms: x elok | tak elok | tidak elok | x bagus | tak bagus | x recommend
pt: nao recomendo | n recomendo | nao gostei do produto | insatisfeito | insatisfeita
es: no lo recomiendo | no recomiendo | no me gusto nada
vi: khong tot | ko tot | khong nen mua | ko nen mua
tl: pangit | panget | hindi maganda | di maganda | sayang pera | sayang ang pera | hindi recommended | di recommended
  | nakakadismaya | dismayado
""",
    "packing": """
en: no bubble wrap | without bubble wrap | thin plastic bag | only a plastic bag | poorly packed | badly packed
  | bad packing | bad packaging | poor packaging | poor packing | no protection | no padding | just a bag
  | loose in the box
  | cap was loose | not packed well | packed badly
id: packing cuma plastik | packing nya asal | packingnya asal | packing asal | packing jelek | packing tipis
  | ga ada bubble wrap | gak ada bubble wrap | tanpa bubble wrap | tdk ada bubble wrap | ga di bubble | cuma plastik
  | plastik tipis | ga dibubble | asal2an | kemasan jelek
ms: x de bubble wrap | tiada bubble wrap | takde bubble wrap | bungkus x kemas | bungkus teruk | packing teruk
  | plastik nipis | balut nipis | cuma plastik
pt: sem plastico bolha | sem plastico | saquinho fino | so num saquinho | mal embalado | mal embalada
  | embalagem ruim | embalagem pessima | embalagem fraca | sem protecao | sem nenhuma protecao | so num saco
es: sin proteccion | sin ninguna proteccion | en una bolsa | mal embalado | mal embalada | embalaje malo
  | sin plastico de burbujas | sin burbujas | mal empacado | embalaje pesimo
vi: ko co xop | khong co xop | ko boc xop | dong goi so sai | dong goi kem | goi so sai | bich nilon mong | nilon mong
  | goi cau tha | ko chong soc | khong chong soc
tl: walang bubble wrap | walang bubble | hindi naka bubble wrap | manipis ang packaging | plastic lang | supot lang
  | hindi maayos ang balot | pangit ang packaging | pangit ang balot
  | hindi inayos yung packaging | hindi inayos ang packaging | basta na lang pinack | basta na lang binalot
  | walang sariling plastic | walang plastic | lukot | lukot lukot | nakalabas na yung product | walang box
  | hindi nakabubble wrap | di nakabubble wrap | hindi naka bubble | walang balot | sira ang packaging
""",
    "praise": """
en: love it | love | loved | great | excellent | perfect | perfectly | recommend | recommended | amazing | awesome
  | good quality | good buy | didnt arrive broken | didn't arrive broken | thanks | thank you | happy | satisfied
  | works perfectly | as described | fast delivery | fits well | fits perfectly | fit well
id: mantap | mantul | bagus | puas | recommended | rekomended | sesuai pesanan | sesuai | keren | makasih | terima kasih
  | top | oke | ok | suka | cepet sampe | ramah | rapi
ms: cantik | puas hati | berkualiti | recommended | terbaik | mantap | cepat sampai | kemas | best | tq | terima kasih
  | suka
pt: amei | adorei | gostei | otimo | otima | excelente | perfeito | perfeita | recomendo | parabens | satisfeito
  | satisfeita | nao chegou quebrado | nao veio quebrado | n chegou quebrado | bom | boa | lindo | linda
  | tudo certo | no prazo | antes do prazo | obrigado | obrigada | top
es: me encanto | encanto | no llego roto | no llego rota | no vino roto | excelente | perfecto | perfecta
  | recomiendo | genial | buenisimo | bueno | buena | lindo
  | gracias | contento | contenta | rapido | a tiempo
vi: tuyet voi | tot | rat tot | dep | ung ho | hai long | chat luong tot | ngon | giao nhanh | dung hen | cam on
  | chuan | y hinh | ok
en: as advertised | as pictured | exactly as described | matches the description | just like the picture
  | looks like the picture | true to size
id: sesuai gambar | sesuai foto | sesuai deskripsi | sama kaya foto | sama kyk di foto | sama persis
ms: sama dgn gambar | sama macam gambar | ikut gambar | sama mcm gambar
pt: conforme anunciado | como anunciado | conforme o anunciado | igual a foto | igual ao anuncio | igual da foto
  | conforme a foto | conforme descrito | como descrito | exatamente como | cumpre o que | do jeitinho | bem acabado
  | otimo acabamento | boa qualidade | otima qualidade | excelente qualidade | conforme a descricao
es: igual a la foto | tal cual la foto | como en la foto | como se describe | tal cual | igual que en la foto
vi: giong hinh | dung mo ta | giong mo ta | nhu hinh | giong het hinh
en: genuine | authentic | legit | original | true to the size chart | fits as expected | arrived quickly
  | arrived early | fast shipping | quick delivery | super fast | arrived fast | nothing wrong | no issues
  | no problems | intact | well packed | well packaged
id: ori | original | asli | pengiriman cepat | pengiriman cepet | cepat sampai | cepet nyampe | kilat
  | ukuran pas | pas di badan | aman | utuh | packing rapi | packing aman | ga ada cacat | gak ada cacat
ms: ori | original | asli | penghantaran pantas | pantas | laju | sampai cepat | ngam | muat | elok | selamat sampai
  | cantik sama macam gambar | tiada cacat
pt: original | originais | autentico | genuino | legitimo | certinho | serviu | chegou rapido | entrega rapida
  | chegou antes | muito rapido | rapida | intacto | intacta | bem embalado | bem embalada | sem defeito
es: original | originales | autentico | genuino | legitimo | exacta | exacto | llego rapido | envio rapido
  | entrega rapida | muy rapido | intacto | intacta | bien embalado | bien empacado | sin defectos | calza perfecto
vi: chinh hang | hang chuan | auth | hang that | giao hang nhanh chong | ship nhanh | nguyen ven | dong goi can than
  | khong bi gi | ko bi gi | k bi gi | khong loi gi | ko loi gi | vua van | mac vua | dung size | chuan size
tl: maganda | ganda | salamat | sulit | ok naman | okay naman | gumagana naman | maayos | mabilis dumating | legit
  | recommended | love it | thank you
""",
    "invalid/spam": """
en: follow me | check my shop | visit my shop | click the link | dm me | promo code | giveaway | subscribe
id: cek toko | mampir ke toko | follow ig | klik link | kunjungi toko | jual murah di
ms: follow ig | klik link | singgah kedai
pt: sigam | me sigam | visite minha loja | clique no link | segue la
es: siganme | visita mi tienda | haz clic
vi: ghe shop | theo doi | click link
""",
    "invalid/competitor": """
en: buy elsewhere | buy from another shop | better shop | competitor | visit shop
id: beli di toko | mending beli di | toko sebelah | toko lain aja
ms: beli kat kedai | kedai sebelah | pegi kedai lain
pt: comprem na | comprem em | loja concorrente | comprem de
es: compren en | compren en la tienda | mejor compren
vi: qua shop | mua ben shop
""",
    "invalid/coercion": """
en: unless you refund | or i will leave | or ill leave | or i'll give | give me a refund or | pay me or | or else
id: kalo ga refund | kalau tidak refund | refund dulu baru | bintang 5 kalo
ms: kalau x refund | bagi refund dulu
pt: senao vou dar | se nao devolver | ou vou dar 1 estrela | ou dou 1 estrela
es: o pongo 1 estrella | si no me devuelven | o les pongo
vi: ko hoan tien thi | khong hoan tien thi | moi sua danh gia
""",
    "invalid/wrong_shop": """
en: wrong shop | wrong store | meant to review | wrong listing | not this shop | didnt buy this | didn't buy this
  | never bought | never ordered
id: salah toko | salah review | salah kasih review | bukan toko ini | ga beli disini | ga pernah beli
ms: salah kedai | salah review | x beli pon | tak pernah beli
pt: loja errada | avaliei errado | avaliacao errada | nao comprei | nunca comprei | nao e desta loja
es: tienda equivocada | me equivoque de tienda | no compre | nunca compre | resena equivocada
vi: nham shop | danh gia nham | ko mua | chua mua bao gio
""",
    "reply/abusive": """
en: stupid | idiot | idiots | dumb | moron | ignorant | liar | lying | cheap buyer | poor people | learn to read
  | dont buy | go shop somewhere else | shop somewhere else | your fault | not our fault | you dont know how
  | you don't know how | shut up | loser | lol
id: bodoh | goblok | tolol | bego | miskin | makanya beli yg mahal | ga ngerti | ga usah belanja | jgn nyalahin
  | salah sendiri | baca dulu | situ aja | dasar | norak
ms: bodoh | bangang | bengap | miskin | baca la deskripsi | jgn main komen | pegi la beli | nak murah tp
  | salah sendiri | x reti | tak reti
pt: burra | burro | idiota | ignorante | mentirosa | mentiroso | se vc soubesse ler | o problema e vc | n culpe a loja
  | nao culpe | vc q n sabe | pobre | pobretao | vai comprar
es: tonta | tonto | idiota | ignorante | mentirosa | mentiroso | si leyeras | el problema eres tu | no culpes
  | anda a comprar | seguro la usaste mal | pobre | tacano
vi: ngu | dot | ngu dot | ko biet xai | dung do loi | ra mall ma mua | mua re ma doi | ngheo | vo hoc | ao tuong
""",
    "reply/coercive": """
en: delete this review | delete your review | remove your review | remove this review | change your review
  | update your rating | change your rating | change to 5 stars | after you update | report your account
  | or we will report | if you change | if you delete | compensation if you
id: hapus ulasan | hapus ulasannya | hapus review | review nya diganti | diganti bintang 5 | ubah rating
  | ganti rating | ubah review | ganti review | akun kakak kami laporkan | kami laporkan | asal review
  | kalo kakak udh ubah | udh ubah rating
ms: padam review | delete review | tukar review | tukar rating | ubah rating | report akaun | kami report
  | kalau tukar | buang review
pt: apaga essa avaliacao | apague a avaliacao | apagar a avaliacao | mudar a avaliacao | alterar a avaliacao
  | alterar a nota | mudar a nota | denunciar sua conta | depois q vc alterar | depois que voce alterar
  | tirar a avaliacao
es: borra la resena | borrar la resena | cambiar la resena | cambias a 5 estrellas | cambies la calificacion
  | cambiar la calificacion | denunciar tu cuenta | si cambias | si borras
vi: xoa danh gia | sua danh gia | sua lai danh gia | doi danh gia | sua lai 5 sao | bao cao tai khoan | sua sao
  | khi ban sua | xoa review
""",
}

# Thai is written without spaces: these are matched as substrings; negation is "ไม่" right before the cue.
_THAI: dict[str, str] = {
    "product_safety": "ไหม้|ควัน|ไฟดูด|ไฟช็อต|ช็อต|ลุกไหม้|ไฟไหม้|ระเบิด|ละลาย|ร้อนมาก|แพ้|ผื่น|คัน|บวม|พุพอง|แสบ|"
    "แผล|เลือด|อันตราย|แหลม|ติดคอ|สำลัก|เป็นพิษ|บาด",
    "product_compliance": "ของปลอม|ปลอม|ก๊อป|เลียนแบบ|ไม่แท้|ไม่มี มอก|มอก|ไม่มีเลข อย|เลข อย|อย\\.|ไม่มีฉลากไทย|"
    "ฉลากไทย|ภาษาจีน|"
    "ผิดกฎหมาย|ไม่มีวันหมดอายุ|ไม่มีเลขจดแจ้ง",
    "poor_quality": "ใช้ได้ไม่นาน|ใช้ได้แป๊บเดียว|ใช้ครั้งเดียว|"
    "พังเร็ว|เสียเร็ว|งานไม่ดี|งานหยาบ|เย็บไม่ดี|ตะเข็บหลุด|ไม่แข็งแรง|ไม่ทน|คุณภาพไม่ดี|วัสดุไม่ดี|ของไม่ดี|"
    "พัง|เสีย|ชำรุด|ใช้ไม่ได้|เปิดไม่ติด|ไม่ทำงาน|คุณภาพแย่|คุณภาพต่ำ|ห่วย|บางมาก|ผ้าบาง|โป๊|ขาด|หลุด|"
    "ลอก|หมดอายุ|สินค้าแย่|ของแย่|ของห่วย|บูด|เน่า|ขึ้นรา|กลิ่นเหม็น|เหม็น|แบตหมดไว|เป็นสนิม|สนิม|ดับ",
    "not_as_described": "ไม่เหมือนในรูป|ไม่เหมือนปก|ไม่ตรงตามโฆษณา|ไม่ตรงโฆษณา|ผิดจากรูป|สีไม่ตรง|ไซส์ไม่ตรง|"
    "เล็กกว่าในรูป|ไม่ตรงตามที่โฆษณา|ต่างจากรูป|คนละเรื่อง|ผ้าไม่เหมือน|วัสดุไม่ตรง|ไม่ตรงตามคำอธิบาย|"
    "ไม่ตรงปก|ไม่ตรงรูป|ไม่เหมือนรูป|ไม่ตรงตามรูป|ไม่ตรงกับรูป|ไม่ใช่อย่างที่บอก|ไม่ตรงตามที่บอก|"
    "ตารางไซส์ผิด|ไซส์เล็ก|เล็กกว่า|ไม่ตรงไซส์|ในรูป|ตามรูป|คนละยี่ห้อ|หลอก|ไม่ตรงคำอธิบาย|ลายไม้",
    "out_of_stock": "ของหมด|สินค้าหมด|หมดสต็อก|ไม่มีของ|สต็อกหมด|สีที่สั่งหมด",
    "late_or_wrong_delivery/late": "ส่งช้า|ช้ามาก|ยังไม่ได้รับ|ไม่ได้รับ|ยังไม่ส่ง|ไม่ส่งของ|ยังไม่มา|รอนาน|ค้าง|ล่าช้า|ของหาย|พัสดุหาย",
    "late_or_wrong_delivery/wrong": "ส่งผิด|ผิดรุ่น|ผิดสี|ผิดไซส์|ผิดที่อยู่|ได้ของผิด|ได้ของ 12|ไม่ตรงออเดอร์|ไม่ตรงกับที่สั่ง",
    "late_or_wrong_delivery/missing": "ได้มาแค่|ของขาด|ไม่ครบ|ขาดไป|ไม่มีสายชาร์จ|หายไป",
    "late_or_wrong_delivery/courier": "ขนส่ง|ไรเดอร์|คนส่งของ|พนักงานส่ง|ขึ้นว่าส่งแล้ว",
    "damaged_item_or_package": "แตก|บุบ|ยับ|ยุบ|รั่ว|หก|กล่องพัง|กล่องยับ|ร้าว|บิ่น|เสียหาย",
    "damaged_item_or_package/carrier": "โยนของ|ขนส่งโยน|ขนส่งทำแตก",
    "late_chat_response": "ไม่ตอบ|ไม่มีใครตอบ|ตอบช้า|ตอบแชทช้า|กว่าจะตอบ|อ่านไม่ตอบ|เงียบ|ข้อความอัตโนมัติ|แอดมินหายไปไหน|รอเป็นอาทิตย์",
    "inappropriate_review_handling": "แก้รีวิว|ลบรีวิว|เปลี่ยนดาว|ให้แก้|อ้อนวอน|ขู่|ด่า|ร้านตอบรีวิว|บังคับ|ตามไปทัก",
    "other": "ไม่ชอบ|ไม่เข้ากับ|ไม่คุ้ม|แพงไป|แพงเกิน|ถูกกว่า|เสียดายเงิน|ไม่ได้จำเป็น|ไม่ใช่ความผิดร้าน|ความผิดเรา|สั่งผิดเอง",
    "unspecified": "แย่|ผิดหวัง|ห่วยแตก|1 ดาว",
    "packing": "ไม่มีบับเบิ้ล|ไม่ห่อบับเบิ้ล|ถุงพลาสติกบาง|แพ็คมาไม่ดี|ห่อมาไม่ดี|แพ็คไม่ดี|ห่อไม่ดี|ไม่มีกันกระแทก",
    "praise": "เหมือนในรูป|เหมือนรูป|ตรงรูป|ตรงตามรูป|ตรงกับรูป|ตรงตามปก|ตามปก|ตรงไซส์|ไซส์ตรง|ตรงตามไซส์|"
    "ตรงตามคำอธิบาย|ตรงตามที่โฆษณา|ของแท้|แท้|ส่งเร็ว|ได้ของเร็ว|ไม่มีตำหนิ|สภาพดี|แพ็คดี|ใส่พอดี|พอดี|ดีมาก|ชอบมาก|แนะนำ|ขอบคุณ|ตรงปก|สวย|คุณภาพดี|ส่งไว|ประทับใจ",
    "reply/abusive": "โง่|ใช้ไม่เป็นเอง|มาโทษร้าน|ไปซื้อห้าง|จน|ควาย|ไร้สมอง",
    "reply/coercive": "ลบรีวิว|แก้รีวิว|แก้เป็น 5 ดาว|เปลี่ยนดาว|ก็ต่อเมื่อแก้",
    "invalid/wrong_shop": "รีวิวผิดร้าน|ผิดร้าน",
}

NEGATORS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "not",
            "no",
            "never",
            "without",
            "isnt",
            "wasnt",
            "didnt",
            "doesnt",
            "dont",
            "arent",
            "werent",
            "hasnt",
            "havent",
            "cant",
            "couldnt",
            "wont",
            "nothing",
            "none",
            "zero",
            "nor",
        ]
    ),
    "id": frozenset(
        [
            "tidak",
            "tdk",
            "ga",
            "gak",
            "gk",
            "nggak",
            "ngga",
            "enggak",
            "engga",
            "bukan",
            "tak",
            "belum",
            "blm",
            "blom",
            "tanpa",
            "jangan",
            "jgn",
            "nda",
            "ndak",
        ]
    ),
    "ms": frozenset(
        ["tidak", "tdk", "x", "tak", "tiada", "takde", "bukan", "belum", "blm", "tanpa", "jangan", "jgn", "xde"]
    ),
    "pt": frozenset(["nao", "n", "nem", "sem", "nunca", "nenhum", "nenhuma", "nada"]),
    "es": frozenset(["no", "ni", "sin", "nunca", "ningun", "ninguna", "tampoco", "nada"]),
    "vi": frozenset(["khong", "ko", "k", "kg", "chang", "chua", "khg"]),
    "tl": frozenset(["hindi", "di", "hnd", "wala", "walang", "huwag", "wag", "ni"]),
}
CONTRAST = frozenset(
    [
        "but",
        "however",
        "though",
        "although",
        "mas",
        "porem",
        "entretanto",
        "pero",
        "aunque",
        "sin_embargo",
        "tapi",
        "tp",
        "tetapi",
        "namun",
        "cuma",
        "nhung",
        "ma",
        "nhưng",
        "kaso",
    ]
)
"""Contrast words: praise before one of these ("great seller, but ...") does not speak for the whole review."""
_THAI_CONTRAST = "แต่"
_THAI_NEGATION = re.compile(r"(?:ไม่|ไม่ได้|ไม่มี|ไม่เคย|ไม่ใช่|ไร้)\s?$")


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


AFFIRM: dict[str, frozenset[str]] = {
    "en": _words("matches match matched matching same exactly according per follows followed true accurate as like"),
    "id": _words("sesuai sama persis kyk kayak kaya kek seperti spt ikut ngikut mirip pas cocok plek"),
    "ms": _words("sama ikut macam mcm sebijik serupa seperti spt tepat ngam padan sesuai"),
    "pt": _words(
        "conforme igual igualzinho igualzinha como mesmo mesma identico identica segundo exatamente fiel bate "
        "corresponde condiz confere"
    ),
    "es": _words(
        "igual segun como mismo misma identico identica exacto exacta fiel coincide corresponde conforme tal cual"
    ),
    "vi": _words("giong dung nhu y chuan theo khop het"),
}
"""Words that affirm a listing attribute matched ("sesuai size chart", "conforme a tabela", "same as the photo")."""
DIFFER: frozenset[str] = _words(
    "different differs unlike smaller bigger larger wrong than beda berbeda lain lebih beza diferente difere "
    "menor maior errado errada outra outro distinto distinta mas mayor otra otro khac sai hon"
)
"""Words that turn an attribute mention into a mismatch ("beda sama yang di foto"): they block :data:`AFFIRM`."""
SUSPECT: dict[str, frozenset[str]] = {
    "en": _words("thought worried afraid feared scared suspected doubted doubtful skeptical sceptical"),
    "id": _words("takut ragu kirain kirian kira kiranya khawatir was2 curiga nyangka sangka"),
    "ms": _words("ingat ingatkan ingtkan sangka sangkakan takut risau ragu was"),
    "pt": _words("achei achava pensei pensava medo receio receosa receoso desconfiada desconfiado"),
    "es": _words("pense pensaba crei creia miedo temia temi dudaba desconfiaba"),
    "vi": _words("tuong so lo nghi"),
}
"""Words of doubt before a cue ("takut KW ternyata ori", "thought it was fake"): the cue is a fear, not a fact."""


def _phrases(spec: str) -> frozenset[str]:
    return frozenset(p.strip() for p in spec.split("|"))


# listing references ("size chart", "in the photo"), certification marks ("BPOM", "halal") and expectations
# ("achei que era ...": what the buyer feared, not what arrived)
WEAK: frozenset[str] = _phrases(
    """
size chart | saiz chart | tabela | tabela de medidas | tabela de tamanho | la tabla
| tabla de medidas | tabla de tallas | bang size | di foto | di gambar | di iklan | deskripsi
| deskripsi bahan | dlm gambar | gambar nampak | dlm iklan | dalam iklan | ukuran dlm deskripsi
| nas fotos | na foto | no anuncio | na descricao | no anuncio diz | en la foto | en las fotos
| en la publicacion | la publicacion | trong hinh | tren hinh | hinh la | mo ta | ghi | shop ghi
| quang cao | the description | listing says | description says | pics show | picture shows
| the picture shows | pela foto | pela imagem | na imagem | pelas imagens | en la imagen
| la foto muestra | so voi hinh | ในรูป | ตามรูป | bpom | izin edar | label halal | halal | sni | kkm
| logo halal | halal jakim | jakim | sirim | inmetro | anvisa | registro sanitario | nhan phu
| tem hop quy | fda approved | มอก | เลข อย | อย. | ฉลากไทย
| achei que era | achei que fosse | pensei que era | pensei que fosse | pense que era | pense q era
| esperava que fosse
"""
)
"""Cue phrases (folded) that mention a listing attribute rather than complain about it (:attr:`Cue.weak`)."""
_REFERENCE_CAUSE = "not_as_described"
_LIST_GLUE = _words(", or and nor atau dan ataupun maupun ou e nem ni y o u hay hoac va lan ma sama even")
_THAI_SUSPECT = re.compile(r"(?:นึกว่า|กลัว|คิดว่า|ตอนแรก|เกือบ)[^แ]{0,14}$")
_THAI_AFFIRM = re.compile(r"(?<!ไม่)(?:เหมือน|ตรง|ตาม)\s?$")
_FAST = re.compile(
    r"\b(?:less than|under|within|in just|in only|only|just|kurang dari|ga nyampe|gak nyampe|ga sampe|gak sampe"
    r"|ga sampai|tak sampai|x sampai|tk sampai|belum sampai|blm sampai|cuma|cuman|menos de|em apenas|em so|em menos de"
    r"|en menos de|en solo|en apenas|chua toi|chua den|chua toi|duoi|chi|chi co|khong toi|ko toi)"
    r"\s*\d+\s*(?:days?|hrs?|hours?|h|hari|jam|hr|dias?|horas?|ngay|gio|tieng)\b|ไม่ถึง\s?\d+\s?(?:วัน|ชั่วโมง|ชม)"
)
"""Fast delivery ("ga nyampe 2 hari udh sampe", "chegou em menos de 3 dias", "ไม่ถึง 2 วัน"): praise, never late."""

TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[.,;!?]")
_THAI_CHARS = re.compile(r"[\u0e00-\u0e7f]")
_CLAUSE_BREAK = frozenset(".,;!?")
_MAX_PHRASE = 6
_MIN_FOREIGN_WORD = 5  # a one-word cue of another language counts only from this length


@dataclass(frozen=True)
class Cue:
    """One matched cue: its tag, the exact span of the original text, and whether it is negated."""

    tag: str
    start: int
    end: int
    text: str
    negated: bool
    weak: bool = False
    """A mention of a listing attribute ("size chart", "BPOM", "in the photo") rather than a complaint about it:
    it counts as a complaint only with other evidence (a low rating or a confident model)."""
    context: bool = False
    """Read from context (what is slow, :func:`_resolve_slowness`): the n-grams cannot tell it, so the rules keep
    their full share against the model."""

    @property
    def cause(self) -> str:
        return self.tag.split("/")[0]

    @property
    def kind(self) -> str:
        return self.tag.split("/")[1] if "/" in self.tag else ""


def _parse(spec: str) -> list[tuple[str, str]]:
    out, lang = [], None
    for raw in spec.strip().splitlines():
        line = raw.strip()
        if ":" in line.split("|")[0] and not line.startswith("|"):
            lang, line = line.split(":", 1)
            lang = lang.strip()
        for phrase in line.lstrip("|").split("|"):
            phrase = phrase.strip()
            if phrase:
                out.append((lang, phrase))
    return out


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[tuple[str, ...], dict[str, str]], re.Pattern, dict[str, str], dict[str, set[str]]]:
    """Build the lookups once: phrase tokens -> {language: tag}, the Thai regex, word -> languages."""
    phrases: dict[tuple[str, ...], dict[str, str]] = {}
    vocab: dict[str, set[str]] = {}
    for tag, spec in _CUES.items():
        for lang, phrase in _parse(spec):
            key = tuple(t.replace("'", "") for t in TOKEN.findall(fold(phrase)) if t not in _CLAUSE_BREAK)
            phrases.setdefault(key, {}).setdefault(lang, tag)
            if not tag.startswith(("reply", "invalid")):
                for tok in key:
                    vocab.setdefault(tok, set()).add(lang)
    thai_tag: dict[str, str] = {}
    for tag, alternatives in _THAI.items():
        for alt in alternatives.split("|"):
            thai_tag.setdefault(alt.replace("\\", ""), tag)
    thai = re.compile("|".join(sorted((re.escape(a) for a in thai_tag), key=len, reverse=True)))
    return phrases, thai, thai_tag, vocab


_REPEAT = re.compile(r"([^\W\d_])\1{2,}")


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    return frozenset(tok for key in _tables()[0] for tok in key)


def squeeze(word: str) -> str:
    """Undo letter stretching ("bagusss", "pessimoooo", "goooood"): a run of 3+ equal letters becomes two letters
    when that spells a cue word, else one.

    Examples
    --------
    >>> [squeeze(w) for w in ["bagusss", "pessimoooo", "goooood", "rusak"]]
    ['bagus', 'pessimo', 'good', 'rusak']
    """
    if not _REPEAT.search(word):
        return word
    two = _REPEAT.sub(r"\1\1", word)
    return two if two in _cue_words() else _REPEAT.sub(r"\1", word)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens with their spans in the original text (punctuation kept as clause breaks)."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = text.lower() if len(text.lower()) == len(text) else text
    return [(squeeze(m.group().replace("'", "")), m.start(), m.end()) for m in TOKEN.finditer(folded)]


def find_cues(text: str, language: str, tags: tuple[str, ...] | None = None) -> list[Cue]:
    """All cue phrases in ``text`` (longest match first, no overlaps), negation judged for ``language``.

    A phrase listed for the review's language wins over the same phrase listed for another language; phrases
    of the other supported languages count too (shoppers mix languages), but never Latin cues in Thai text
    beyond the Latin words it contains.

    Examples
    --------
    >>> [(c.tag, c.negated) for c in find_cues("tidak rusak sama sekali", "id")]
    [('poor_quality', True)]
    >>> [(c.tag, c.text) for c in find_cues("กล่องบุบ ของไม่แตก", "th")]
    [('damaged_item_or_package', 'บุบ'), ('damaged_item_or_package', 'แตก')]
    """
    phrases, thai, thai_tag, _ = _tables()
    negators = NEGATORS.get(language, frozenset())
    toks = tokens(text)
    words = [t[0] for t in toks]
    found: list[Cue] = []
    prev: tuple[int, bool] | None = None  # (token after the last complaint cue, was it negated)
    i = 0
    while i < len(toks):
        hit = None
        for n in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
            by_lang = phrases.get(tuple(words[i : i + n]))
            if by_lang and language not in by_lang and n == 1 and len(words[i]) < _MIN_FOREIGN_WORD:
                # a short single word of another language is too often a common word of this one
                # (en "no" is pt "in the", vi "rep" is "reply", id "kw" ...)
                by_lang = None
            if by_lang:
                tag = by_lang.get(language) or next(iter(by_lang.values()))
                if tags is None or tag.startswith(tags):
                    hit = (n, tag)
                    break
        if hit is None:
            i += 1
            continue
        n, tag = hit
        start, end = toks[i][1], toks[i + n - 1][2]
        phrase = " ".join(words[i : i + n])
        negated = words[i] not in negators and _before(words, i, negators, 3)
        complaint = not tag.startswith(_NOT_COMPLAINT)
        if complaint and not negated:
            if _before(words, i, SUSPECT.get(language, frozenset()), 4, stop=CONTRAST):
                negated = True  # "takut KW ternyata ori": a fear, not a fact
            elif prev is not None and prev[1] and all(w in _LIST_GLUE or w in negators for w in words[prev[0] : i]):
                negated = True  # "no leaks, scratches or dents": the negation runs through the list
        if (
            tag == _REFERENCE_CAUSE
            and phrase in WEAK
            and not negated
            and _before(words, i, AFFIRM.get(language, frozenset()), 4)
            and not _before(words, i, negators | DIFFER, 6)
        ):
            tag, complaint = "praise", False  # "sesuai size chart", "conforme a tabela", "sama kyk di foto"
        found.append(Cue(tag, start, end, text[start:end], negated, phrase in WEAK))
        if complaint:
            prev = (i + n, negated)
        i += n
    if tags is None or "poor_quality".startswith(tags) or "late".startswith(tags):
        found = _resolve_slowness(text, language, toks, words, found, negators)
    if tags is None or "late_or_wrong_delivery".startswith(tags):
        for cue in _ordered_got(text, toks, words):
            if not any(c.kind == "wrong" and c.start < cue.end and c.end > cue.start for c in found):
                found = sorted([*found, cue], key=lambda c: c.start)
    if _THAI_CHARS.search(text):
        for m in thai.finditer(text):
            tag = thai_tag[m.group()]
            if tags is not None and not tag.startswith(tags):
                continue
            before = text[max(0, m.start() - 16) : m.start()]
            negated = not m.group().startswith("ไม่") and bool(_THAI_NEGATION.search(before[-6:]))
            if not tag.startswith(_NOT_COMPLAINT) and not negated and _THAI_SUSPECT.search(before):
                negated = True
            weak = m.group() in WEAK
            if tag == _REFERENCE_CAUSE and weak and _THAI_AFFIRM.search(before[-6:]):
                tag = "praise"
            found.append(Cue(tag, m.start(), m.end(), m.group(), negated, weak))
        found.sort(key=lambda c: c.start)
        if tags is None:
            found = _resolve_thai_slowness(text, found)
    if tags is None or "praise".startswith(tags):
        folded = fold(text)
        for m in _FAST.finditer(folded if len(folded) == len(text) else text):
            found = [
                c for c in found if c.cause != "late_or_wrong_delivery" or c.end <= m.start() or c.start >= m.end()
            ]
            found.append(Cue("praise", m.start(), m.end(), text[m.start() : m.end()], False))
        found.sort(key=lambda c: c.start)
    return found


_NOT_COMPLAINT = ("praise", "packing", "reply", "invalid")


def _before(words: list[str], i: int, wanted: frozenset[str], reach: int, stop: frozenset[str] = frozenset()) -> bool:
    """Whether one of ``wanted`` stands at most ``reach`` tokens before token ``i`` in the same clause."""
    for j in range(i - 1, max(i - 1 - reach, -1), -1):
        if words[j] in _CLAUSE_BREAK or words[j] in stop:
            return False
        if words[j] in wanted:
            return True
    return False


# ---------------------------------------------------------------------------------------------------------------
# Slowness in context: "slow" is about whatever is slow. Next to a delivery word it is a late delivery, next to a
# device/performance word it is poor quality, next to a chat/reply word it is a late chat, next to a refund it is
# not a cue at all. With no such word, a listed phrase keeps its own tag and a bare slowness word is no cue.
# ---------------------------------------------------------------------------------------------------------------
SLOW: dict[str, frozenset[str]] = {
    "en": _words("slow slowly slower slowest sluggish slooow"),
    "id": _words("lambat lama lelet lemot lmbt"),
    "ms": _words("lambat lama lmbt lembab"),
    "pt": _words(
        "lento lenta lentos lentas lentidao lentissimo lentissima demorou demorado demorada demora demoram "
        "demoraram demorando"
    ),
    "es": _words(
        "lento lenta lentos lentas lentitud lentisimo lentisima tardo tardaron tardando demoro demoraron "
        "demorado demorada demora"
    ),
    "vi": _words("cham lau"),
}
"""Folded slowness words per language (Thai: :data:`_THAI_SLOW`)."""
_SLOW_ANY = frozenset().union(*SLOW.values())
_LONG_ONLY = _words("lama lau")  # "long": only a delivery or chat word makes them a complaint ("hp lama" = old phone)
_NOT_SLOW_AFTER = {"cham": _words("soc chi"), "lau": _words("chui dau nha")}  # "chăm sóc" (care), "lau chùi" (wipe)
_SLOW_CONTEXT: dict[str, str] = {
    "late_or_wrong_delivery/late": """
en: shipping ship shipped shipment delivery delivered deliver courier parcel package arrival arrive arrived arriving
  dispatch dispatched postage post posted tracking transit order
id: pengiriman pengirimannya kiriman kirim dikirim ngirim kurir kurirnya paket paketnya pesanan pesananku ekspedisi
  sampai sampe nyampe nyampenya datang dateng dtg ongkir jne jnt sicepat anteraja kurir2
ms: penghantaran hantar dihantar pos posmen kurier kurir parcel bungkusan pesanan sampai smpai tiba barang brg
pt: frete entrega entregar entregue envio enviado enviar transportadora correios correio chegada chegar chegou
  chegando pedido postagem postar postado encomenda pacote rastreio transporte despacho despachar
es: envio enviar enviado envios entrega entregar entregado llegada llegar llego paquete pedido correo repartidor
  despacho despachar paqueteria
vi: giao ship shipper van chuyen don hang goi hang kien hang nhan hang buu dien
""",
    "late_chat_response": """
en: reply replies replied replying respond responds responded response answer answers answered chat message messages
  messaging customer service support
id: bales balas balesnya balasnya bls respon respons chat chatnya admin adminnya jawab
ms: balas reply respon chat admin jawab
pt: responder resposta respostas respondem responde atendimento chat mensagem mensagens sac
es: responder respuesta respuestas contestar contestan contesta atencion chat mensaje mensajes
vi: rep tra loi phan hoi tin nhan inbox chat
""",
    "poor_quality": """
en: phone device laptop computer tablet app apps charger charging charges charge processor wifi internet laptop
  loading loads boots startup system lag laggy lags freezes freezing hangs
id: hp laptop charger cas ngecas ngecharge baterai aplikasi prosesor sinyal ngelag lag hang nge-hang loading
ms: phone fon hp handphone laptop charger cas bateri apps aplikasi lag hang loading
pt: celular aparelho computador notebook tablet sistema processador carregamento carregar carrega carregando
  internet app aplicativo trava travando travou travar
es: celular telefono computadora aparato equipo carga cargar carga tablet sistema procesador traba trabado
vi: may dien thoai laptop sac pin mang app wifi lag dung treo
""",
    "refund": """
en: refund refunded refunds
id: refund dana pengembalian
ms: refund duit
pt: reembolso estorno devolucao dinheiro
es: reembolso devolucion dinero
vi: hoan tien
""",
}
_THAI_SLOW = "ช้า"
_THAI_SLOW_CONTEXT: dict[str, tuple[str, ...]] = {
    "late_or_wrong_delivery/late": ("ขนส่ง", "จัดส่ง", "พัสดุ", "ส่งของ", "ส่ง", "ได้ของ", "ของมา", "มาส่ง"),
    "late_chat_response": ("ตอบ", "แชท", "แอดมิน", "ทัก"),
    "poor_quality": ("เครื่อง", "มือถือ", "โทรศัพท์", "แอป", "แลค", "ชาร์จ", "แบต", "โหลด", "เน็ต"),
    "refund": ("คืนเงิน",),
}
_CONTEXT_PAIRS = (
    "van chuyen",
    "don hang",
    "goi hang",
    "kien hang",
    "nhan hang",
    "buu dien",
    "tra loi",
    "phan hoi",
    "tin nhan",
    "dien thoai",
    "hoan tien",
    "customer service",
)  # two-word context words: their parts alone are not context ("hang" is goods in vi, a freeze in id/ms)
_SLOW_REACH = 6  # tokens each side (Thai: characters x 3)
_SENTENCE_BREAK = frozenset(".;!?")


@lru_cache(maxsize=1)
def _slow_context() -> dict[str, tuple[str, int]]:
    """Folded context word (or word pair joined by a space) -> (tag, number of tokens)."""
    out: dict[str, tuple[str, int]] = {}
    for tag, spec in _SLOW_CONTEXT.items():
        for line in spec.strip().splitlines():
            body = line.split(":", 1)[1] if ":" in line.split()[0] else line
            for pair in _CONTEXT_PAIRS:
                body = body.replace(pair, pair.replace(" ", "_"))
            for w in body.split():
                out.setdefault(w.replace("_", " "), (tag, 1 + w.count("_")))
    return out


def _slow_target(words: list[str], a: int, b: int, language: str) -> tuple[str, int, int] | None:
    """(tag, first and last token index) of the context word nearest to the slowness span ``words[a:b]``, or None."""
    ctx = _slow_context()
    best: tuple[int, int, int, str] | None = None  # (distance, first, last, tag)
    for side, rng in (
        (-1, range(a - 1, max(a - 1 - _SLOW_REACH, -1), -1)),
        (0, range(a, b)),
        (1, range(b, min(b + _SLOW_REACH, len(words)))),
    ):
        for j in rng:
            w = words[j]
            if side and (w in _SENTENCE_BREAK or w in CONTRAST):
                break
            lo, hi, hit = j, j, ctx.get(w) or (ctx.get(w[:-3]) if w.endswith("nya") else None)
            if j + 1 < len(words) and " ".join(words[j : j + 2]) in ctx:
                lo, hi, hit = j, j + 1, ctx[" ".join(words[j : j + 2])]
            elif j > 0 and " ".join(words[j - 1 : j + 1]) in ctx:
                lo, hi, hit = j - 1, j, ctx[" ".join(words[j - 1 : j + 1])]
            if hit:
                dist = 0 if side == 0 else (a - j if side < 0 else j - b + 1)
                if best is None or dist < best[0]:
                    best = (dist, lo, hi, hit[0])
                break
    return (best[3], best[1], best[2]) if best else None


def _resolve_slowness(text: str, language: str, toks: list, words: list[str], found: list, negators) -> list:
    """Re-tag slowness cues by what is slow, and add cues for bare slowness words next to a context word."""
    slow_tags = ("poor_quality", "late_or_wrong_delivery/late", "late_chat_response")
    slow_words = SLOW.get(language, frozenset()) | SLOW["en"]
    out = list(found)
    starts = {t[1]: k for k, t in enumerate(toks)}
    ends = {t[2]: k for k, t in enumerate(toks)}
    covered: dict[int, int] = {}  # token index -> index in out of the cue covering it
    for n, c in enumerate(out):
        if c.start in starts and c.end in ends:
            for k in range(starts[c.start], ends[c.end] + 1):
                covered[k] = n
    drop: set[int] = set()
    for i, w in enumerate(words):
        if w not in slow_words or words[i + 1 : i + 2] and words[i + 1] in _NOT_SLOW_AFTER.get(w, ()):
            continue
        n = covered.get(i)
        old = out[n] if n is not None else None
        if old is not None and (old.tag not in slow_tags or n in drop):
            continue
        a, b = (starts[old.start], ends[old.end] + 1) if old is not None else (i, i + 1)
        target = _slow_target(words, a, b, language)
        if target is None:
            continue  # no context: a listed phrase keeps its tag, a bare word is no cue
        tag, j, jj = target
        if w in _LONG_ONLY and tag == "poor_quality":
            continue
        if tag == "refund":
            if old is not None:
                drop.add(n)
            continue
        lo, hi = min(a, j), max(b - 1, jj)
        start, end = toks[lo][1], toks[hi][2]
        negated = old.negated if old is not None else (words[i] not in negators and _before(words, i, negators, 3))
        if old is not None and old.tag == tag and a <= j < b:
            continue  # "slow delivery", "rep chậm": the phrase already says what is slow
        if old is not None:
            drop.add(n)
        for m, c in enumerate(out):  # a cue of the same cause inside the new span ("transportadora") is absorbed
            if m not in drop and c.cause == tag.split("/")[0] and c.start >= start and c.end <= end:
                drop.add(m)
        out.append(Cue(tag, start, end, text[start:end], negated, context=True))
        for k in range(lo, hi + 1):
            covered[k] = len(out) - 1
    return sorted((c for m, c in enumerate(out) if m not in drop), key=lambda c: c.start)


def _resolve_thai_slowness(text: str, found: list) -> list:
    out = list(found)
    for m in re.finditer(_THAI_SLOW, text):
        s, e = m.start(), m.end()
        best = None
        for tag, nouns in _THAI_SLOW_CONTEXT.items():
            for noun in nouns:
                for nm in re.finditer(re.escape(noun), text[max(0, s - 3 * _SLOW_REACH) : e + 3 * _SLOW_REACH]):
                    ns = nm.start() + max(0, s - 3 * _SLOW_REACH)
                    ne = ns + len(noun)
                    gap = text[min(ne, s) : max(ns, e)] if ns < s else text[e:ns]
                    if " " in gap or _THAI_CONTRAST in gap:
                        continue
                    dist = max(0, s - ne, ns - e)
                    if best is None or dist < best[0]:
                        best = (dist, tag, ns, ne)
        if best is None:
            continue
        _, tag, ns, ne = best
        slow_tags = ("poor_quality", "late_or_wrong_delivery/late", "late_chat_response")
        old = [c for c in out if c.start < e and c.end > s and c.tag in slow_tags]
        if any(c.tag not in slow_tags for c in out if c.start < e and c.end > s):
            continue
        out = [c for c in out if c not in old]
        if tag == "refund":
            continue
        start, end = min([s, ns] + [c.start for c in old]), max([e, ne] + [c.end for c in old])
        negated = bool(_THAI_NEGATION.search(text[max(0, s - 6) : s]))
        out = [c for c in out if not (c.cause == tag.split("/")[0] and c.start >= start and c.end <= end)]
        out.append(Cue(tag, start, end, text[start:end], negated, context=True))
    return sorted(out, key=lambda c: c.start)


STOPWORDS: frozenset[str] = _words(
    # en
    "the a an and or is was were be been being are am it its it's this that these those i my me mine we our us you "
    "your he his she her they them their to of for with on at in by from as so very too really just quite also then "
    "than but not no yes do does did done have has had will would can could should shall may might must get got "
    "there here what when which who whom how all any some more most much many one again still even only out up down "
    "about into over after before because if while im ive id its thats dont didnt doesnt wasnt isnt such own same "
    "other both each few nor off once ok lol pls please"
    # pt
    " o os a as um uma uns umas de do da dos das em no na nos nas num numa que q e foi era ser sou seu sua seus suas "
    "esta estava estao ta tava muito mt mto muita muitos muitas mais menos pra pro para por com sem se me mim meu "
    "minha meus minhas eu ele ela eles elas isso esse essa este esta isto ainda ja tambem tb so bem mas ou ao aos "
    "pelo pela pelos pelas ter tem tinha teve q pq porque vc voce voces nao n nem lhe la aqui ai entao quando como "
    "tao tudo todo toda todos todas nada algo"
    # es
    " el la los las un una unos unas de del que y es fue era ser soy muy mas para pa por con sin se me mi mis yo lo "
    "le les su sus ya tambien pero o al en este esta esto eso esa ese estos estas hay tan todo toda nada algo como "
    "cuando porque xq aqui ahi asi"
    # id / ms
    " yang yg dan di ke dari ini itu nya aja saja sih dong deh kok banget bgt bngt sudah udah udh sdh dah sangat sgt "
    "sekali juga jg aku saya sy gue gw kak kakak gan min tp tapi dengan dgn untuk utk buat ada adalah karena krn jadi "
    "jd lagi lg ya yah je sahaja la lah pun pon tu ni kami awak kita mereka dia pula pulak lah kah tak x ga gak tidak "
    "tdk belum blm bisa boleh mau nak akan telah sama sm kalo kalau klu pas trs terus"
    # vi
    " la cua va co duoc dc roi nhung nhu nay thi ma cho voi rat qua lam nha oi vay sao gi cung de mot toi minh ban "
    "em anh chi ne nhe a ah the khi con nao nua den tu o ra vao len"
)
"""Folded function words of the 7 languages: never the evidence of a model decision."""


# ---------------------------------------------------------------------------------------------------------------
# "Ordered X, got Y": an order verb with a colour/size, then a receive verb with a different colour/size of the
# same kind, in the same sentence, is a wrong item ("pesen warna hitam yg dateng warna putih", "pedi M e veio G").
# ---------------------------------------------------------------------------------------------------------------
_ORDER_VERBS = _words(
    "ordered order asked chose picked selected bought pesen pesan psn beli pilih milih pesanan pedi comprei escolhi "
    "encomendei pedimos compre elegi dat chon mua"
)
_GOT_VERBS = _words(
    "got get received receive shipped sent came arrived delivered gave dateng datang dtg dapet dapat dpt dikirim "
    "kirim sampai sampe nyampe dikasih terima recebi veio vieram chegou mandaram enviaram entregaram llego llegaron "
    "recibi mandaron enviaron vino giao nhan gui"
)
_COLOURS = _words(
    "black white red blue green pink yellow grey gray brown purple beige navy orange hitam putih merah biru hijau "
    "kuning abu coklat ungu oren preto preta branco branca vermelho vermelha azul verde rosa amarelo amarela cinza "
    "marrom roxo roxa bege laranja negro negra blanco blanca rojo roja amarillo amarilla gris marron morado morada "
    "naranja den trang do xanh hong vang xam nau tim"
)
_SIZES = _words("xs s m l xl xxl xxxl 2xl 3xl 4xl small medium large p g gg pp eg")
_SIZE_WORDS = _words("size tamanho talla ukuran saiz numero nomor number no talle")
_WRONG_REACH = 5  # tokens from a verb to its colour/size


def _attribute(words: list[str], k: int) -> tuple[str, str] | None:
    w = words[k]
    if w in _COLOURS:
        return "colour", w
    if w in _SIZES or (w.isdigit() and k > 0 and words[k - 1] in _SIZE_WORDS):
        return "size", w
    return None


def _ordered_got(text: str, toks: list, words: list[str]) -> list[Cue]:
    """Wrong-item cues for "ordered <colour/size> ... got <another colour/size>" in one sentence."""
    out: list[Cue] = []
    for i, w in enumerate(words):
        if w not in _ORDER_VERBS:
            continue
        first = None
        for k in range(i + 1, min(i + 1 + _WRONG_REACH, len(words))):
            if words[k] in _SENTENCE_BREAK:
                break
            if (first := _attribute(words, k)) is not None:
                break
        if first is None:
            continue
        for r in range(k + 1, min(k + 12, len(words))):
            if words[r] in _SENTENCE_BREAK:
                break
            if words[r] not in _GOT_VERBS:
                continue
            for q in range(r + 1, min(r + 1 + _WRONG_REACH, len(words))):
                got = _attribute(words, q)
                if words[q] in _SENTENCE_BREAK or got is not None:
                    break
            if got is not None and got[0] == first[0] and got[1] != first[1]:
                start, end = toks[i][1], toks[q][2]
                out.append(Cue("late_or_wrong_delivery/wrong", start, end, text[start:end], False, context=True))
            break
        if out:
            break
    return out
